import Testing
import TestSupport

@testable import Jobs

/// Politeness waits end when their task is cancelled, and a job's delay holds
/// only that job's requests. Before, each request reserved the host's next
/// start for everyone and waited for a slot uncancellably: a site's
/// `Crawl-delay: 1000000` held other jobs to that host and `job.cancel` behind it.
@Suite(.timeLimit(.minutes(10))) struct HostGateTests {
    let origin = "http://h:1"

    @Test func cancelledDelayWaitEndsAtOnceHoldingNoSlot() async throws {
        let gate = HostGate()
        try await gate.acquire(origin, delay: .seconds(3600), maxConcurrency: 1)
        await gate.release(origin)
        let waiting = Task { try await gate.acquire(origin, delay: .seconds(3600), maxConcurrency: 1) }
        #expect(await pollUntil { await gate.waiting == 1 }, "cancelled while it sleeps out the delay")
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // Another job to the host, with no delay of its own, is not held by the first one's.
        try await gate.acquire(origin, delay: .zero, maxConcurrency: 1)
        await gate.release(origin)
    }

    @Test func cancelledWaitForASlotEndsAtOnce() async throws {
        let gate = HostGate()
        try await gate.acquire(origin, delay: .zero, maxConcurrency: 1)
        let waiting = Task { try await gate.acquire(origin, delay: .zero, maxConcurrency: 1) }
        #expect(await pollUntil { await gate.waiting == 1 }, "cancelled while it waits for the slot")
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await gate.release(origin)
        try await gate.acquire(origin, delay: .zero, maxConcurrency: 1)
        await gate.release(origin)
    }

    @Test func aJobsDelaySpacesItsRequestsAndSlotsPassOn() async throws {
        let gate = HostGate()
        let clock = ContinuousClock()
        try await gate.acquire(origin, delay: .milliseconds(200), maxConcurrency: 1)
        let second = Task { try await gate.acquire(origin, delay: .milliseconds(200), maxConcurrency: 1) }
        await gate.release(origin)
        let released = clock.now
        try await second.value
        #expect(clock.now - released >= .milliseconds(200), "the delay runs from the last request's end")
        await gate.release(origin)
    }

    /// With several requests to a host allowed at once, the delay spaces
    /// their starts: a request that ends late does not hold the next start
    /// back. Before, the delay ran from the last start or end, so a host's
    /// latency pushed the rate below one request per delay.
    @Test func withSeveralInFlightTheDelaySpacesStartsNotEnds() async throws {
        let gate = HostGate()
        let clock = ContinuousClock()
        // Seconds, not milliseconds: a busy test run may stall the process for a while between two steps.
        try await gate.acquire(origin, delay: .seconds(10), maxConcurrency: 2)
        let firstStart = clock.now
        try await Task.sleep(for: .seconds(7)) // the first request takes 7 s
        await gate.release(origin)
        let firstEnd = clock.now
        try await gate.acquire(origin, delay: .seconds(10), maxConcurrency: 2)
        #expect(clock.now - firstStart >= .seconds(10), "starts are a delay apart")
        #expect(clock.now - firstEnd < .seconds(10), "the delay does not run again from the first request's end")
        await gate.release(origin)
    }

    @Test func idleHostsAreForgotten() async throws {
        let gate = HostGate()
        for i in 0..<200 {
            try await gate.acquire("http://h:\(i)", delay: .zero, maxConcurrency: 1)
            await gate.release("http://h:\(i)")
        }
        #expect(await gate.hostCount == 0)
    }

    @Test func cancelledWaitForAPageSlotEndsAtOnce() async throws {
        let slots = PageSlots(limit: 1)
        try await slots.acquire()
        let waiting = Task { try await slots.acquire() }
        #expect(await pollUntil { await slots.waiting == 1 }, "cancelled while it waits")
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await slots.release()
        #expect(await slots.inFlight == 0)
    }
}
