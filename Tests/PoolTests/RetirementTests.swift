import Pool
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(10))) struct RetirementTests {
    @Test func anEngineRetiresAfterItsUsesAndAReplacementComesOnDemand() async throws {
        let policy = TestPolicy(promote: 2, retirements: ["browser": RetirementSettings(afterUses: 3)])
        let harness = try PoolHarness(policy: policy)
        let factory = TestEngineFactory(kind: "browser")
        for _ in 1...2 { try await harness.use(sig(1), factory) }
        #expect(factory.count == 1)
        try await harness.use(sig(1), factory)
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "closed after its 3rd and last use")
        #expect(harness.events.kinds(.retire).map(\.signature) == [sig(1)])
        #expect(await harness.row(sig(1)) == nil)

        let replacement = try await harness.use(sig(1), factory)
        #expect(!replacement.hit && replacement.tier == .cold, "the replacement starts cold")
        #expect(factory.count == 2)
    }

    @Test func aRetiringEngineFinishesItsRequestsBeforeClosing() async throws {
        let harness = try PoolHarness(policy: TestPolicy(retirements: ["http": RetirementSettings(afterUses: 2)]))
        let factory = TestEngineFactory()
        let first = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        let second = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        #expect(second.hit && second.engine === first.engine)
        let third = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        #expect(!third.hit && third.engine !== first.engine, "past its uses the engine takes no new request")
        first.release()
        #expect(!factory.engines[0].isClosed)
        second.release()
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "closed when its last request ended")
        #expect(!factory.engines[1].isClosed)
        third.release()
    }

    @Test func anEngineRetiresAtItsMaxAge() async throws {
        let harness = try PoolHarness(policy: TestPolicy(retirements: ["http": RetirementSettings(maxAge: .seconds(120))]))
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        harness.clock.advance(by: .seconds(119))
        #expect(try await harness.use(sig(1), factory).hit)
        harness.clock.advance(by: .seconds(1))
        #expect(try await harness.use(sig(1), factory).hit == false)
        #expect(factory.count == 2)
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "the aged engine is closed")
    }

    @Test func theJanitorRetiresAnIdleEngineAtItsMaxAge() async throws {
        let harness = try PoolHarness(policy: TestPolicy(retirements: ["http": RetirementSettings(maxAge: .seconds(60))]))
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        harness.clock.advance(by: .seconds(60))
        let report = await harness.pool.runJanitor()
        #expect(report.events.map(\.kind) == [.retire])
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "closed by the janitor")
    }
}
