import Pool
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(10))) struct HealthTests {
    @Test func anUnhealthyEngineIsDroppedAndReplacedOnDemand() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        try await harness.use(sig(2), factory)
        factory.engines[0].fallSick()
        let report = await harness.pool.runJanitor()
        #expect(report.events.map(\.kind) == [.kill])
        #expect(report.events.first?.signature == sig(1))
        #expect(report.events.first?.detail?.hasPrefix("unhealthy") == true)
        #expect(factory.engines[0].isClosed && !factory.engines[1].isClosed)
        #expect(try await harness.use(sig(1), factory).hit == false)
    }

    @Test func anUnhealthyEngineUnderARequestClosesOnlyAfterIt() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        let lease = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        factory.engines[0].fallSick()
        await harness.pool.runJanitor()
        #expect(!factory.engines[0].isClosed)
        lease.release()
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "closed after its request")
    }

    @Test func anUnhealthyPermanentEngineIsRestarted() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        factory.engines[0].fallSick()
        let report = await harness.pool.runJanitor()
        #expect(report.events.map(\.kind) == [.restart])
        #expect(report.events.first?.detail == "unhealthy")
        #expect(factory.count == 2 && factory.engines[0].isClosed)
        let served = try await harness.use(sig(1), factory)
        #expect(served.tier == .permanent && served.hit)
    }
}
