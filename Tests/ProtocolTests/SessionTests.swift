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
        let first = Session(connectionID: 1, peer: "a", authenticated: true)
        let second = Session(connectionID: 2, peer: "b", authenticated: true)
        let kept = first.attachment(make)
        #expect(first.attachment(make) === kept)
        #expect(second.attachment(make) !== kept)
        #expect(made.load(ordering: .relaxed) == 2)
    }
}
