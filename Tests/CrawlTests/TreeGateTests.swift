import Crawl
import Testing
import TestSupport

@Suite struct TreeGateTests {
    /// Past its places, a page waits until one is given back.
    @Test func pagesPastThePlacesWait() async throws {
        let gate = TreeGate(capacity: 2, bytes: 1000)
        try await gate.enter(weight: 1)
        try await gate.enter(weight: 1)
        let third = Task { try await gate.enter(weight: 1) }
        #expect(await pollUntil { gate.waiting == 1 })
        #expect(gate.inside.pages == 2)
        gate.leave(weight: 1)
        try await third.value
        #expect(gate.inside == (2, 2) && gate.waiting == 0)
    }

    /// The weights inside stay within `bytes`, but a page heavier than all of
    /// them goes in alone rather than never.
    @Test func weightsStayWithinTheBytesAndAHeavyPageGoesInAlone() async throws {
        let gate = TreeGate(capacity: 4, bytes: 10)
        try await gate.enter(weight: 100)
        let light = Task { try await gate.enter(weight: 1) }
        #expect(await pollUntil { gate.waiting == 1 })
        gate.leave(weight: 100)
        try await light.value
        try await gate.enter(weight: 9)
        let over = Task { try await gate.enter(weight: 1) }
        #expect(await pollUntil { gate.waiting == 1 })
        #expect(gate.inside == (2, 10))
        gate.leave(weight: 9)
        try await over.value
        #expect(gate.inside == (2, 2))
    }

    /// A gate of 10 bytes with a page of 6 inside, then a page of 6 and a page of 1 waiting, in that order.
    private static func queueBehindAHeavyPage() async throws -> (TreeGate, heavy: Task<Void, any Error>, light: Task<Void, any Error>) {
        let gate = TreeGate(capacity: 4, bytes: 10)
        try await gate.enter(weight: 6)
        let heavy = Task { try await gate.enter(weight: 6) }
        #expect(await pollUntil { gate.waiting == 1 })
        let light = Task { try await gate.enter(weight: 1) }
        #expect(await pollUntil { gate.waiting == 2 })
        return (gate, heavy, light)
    }

    /// Arrival order: a light page that would fit does not go past a heavy
    /// one waiting before it, so heavy pages are not held back forever.
    @Test func aLightPageDoesNotOvertakeAHeavyOne() async throws {
        let (gate, heavy, light) = try await Self.queueBehindAHeavyPage()
        #expect(gate.inside == (1, 6))
        gate.leave(weight: 6)
        try await heavy.value
        try await light.value
        #expect(gate.inside == (2, 7) && gate.waiting == 0)
    }

    /// A cancelled wait ends with CancellationError, leaves the queue, and
    /// lets the page behind it in when that one fits.
    @Test func aCancelledWaitLeavesTheQueue() async throws {
        let (gate, heavy, light) = try await Self.queueBehindAHeavyPage()
        heavy.cancel()
        await #expect(throws: CancellationError.self) { try await heavy.value }
        try await light.value
        #expect(gate.inside == (2, 7) && gate.waiting == 0)
    }
}
