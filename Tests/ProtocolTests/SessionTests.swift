import Protocol
import Synchronization
import Testing

@Suite struct SessionTests {
    final class Box: Sendable {}

    /// What an op keeps per connection is made once and never seen by another connection.
    @Test func anAttachmentIsMadeOncePerConnection() {
        let made = Atomic(0)
        let make = {
            made.add(1, ordering: .relaxed); return Box()
        }
        let first = Session(peer: "a", authenticated: true)
        let second = Session(peer: "b", authenticated: true)
        let kept = first.attachment(make)
        #expect(first.attachment(make) === kept)
        #expect(second.attachment(make) !== kept)
        #expect(made.load(ordering: .relaxed) == 2)
    }

    /// Every session gets a number of its own, whoever makes it and from
    /// which thread: per-connection state is keyed by it.
    @Test func connectionNumbersNeverRepeat() async {
        let numbers = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<1_000).map { _ in Session(peer: "p", authenticated: true).connectionID } }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(numbers).count == 4_000)
    }
}
