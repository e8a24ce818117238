import Protocol
import Testing
import TestSupport

@testable import Daemon

/// The crawl ceilings' bookkeeping: who waits, who gets a slot, who gets `busy`.
@Suite struct CrawlAdmissionTests {
    /// Holds a slot of `admission` for `client` until `release` is resumed.
    private func hold(_ admission: CrawlAdmission, client: String?) async -> CheckedContinuation<Void, Never> {
        await withCheckedContinuation { (held: CheckedContinuation<CheckedContinuation<Void, Never>, Never>) in
            Task {
                try await admission.withSlot(client: client, patience: nil) {
                    await withCheckedContinuation { release in held.resume(returning: release) }
                }
            }
        }
    }

    @Test func aClientAtItsCeilingGetsBusyWhileAnotherClientIsServed() async throws {
        let admission = CrawlAdmission(limits: .init(total: 4, perClient: 2, patience: .milliseconds(50)))
        let first = await hold(admission, client: "10.0.0.1")
        let second = await hold(admission, client: "10.0.0.1")
        await #expect(throws: ProtocolError.self) {
            try await admission.withSlot(client: "10.0.0.1", patience: .milliseconds(50)) {}
        }
        let served = try await admission.withSlot(client: "10.0.0.2", patience: .milliseconds(50)) { true }
        #expect(served)
        first.resume()
        second.resume()
    }

    @Test func aSlotGivenBackGoesToAWaiter() async throws {
        let admission = CrawlAdmission(limits: .init(total: 1, perClient: 1, patience: .seconds(30)))
        let holder = await hold(admission, client: nil)
        async let waited: Bool = admission.withSlot(client: "10.0.0.3", patience: .seconds(30)) { true }
        // Once the crawl waits, the slot given back must go to it, not busy.
        #expect(await pollUntil { admission.waiting == 1 })
        holder.resume()
        #expect(try await waited)
        // Both slots were given back: the ceiling of one admits a crawl that may not wait.
        #expect(try await admission.withSlot(client: "10.0.0.3", patience: .zero) { true })
    }

    @Test func busyNamesTheCeilingThatWasHit() async throws {
        let admission = CrawlAdmission(limits: .init(total: 1, perClient: 1, patience: .zero))
        let holder = await hold(admission, client: nil)
        do {
            try await admission.withSlot(client: "10.0.0.4", patience: .zero) {}
            Issue.record("a crawl past the daemon-wide ceiling must get busy")
        } catch let error as ProtocolError {
            #expect(error.code == .busy)
            #expect(error.message.contains("--max-crawls-in-flight"))
        }
        holder.resume()
    }
}
