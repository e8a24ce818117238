import Pool
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(10))) struct OperationsTests {
    @Test func killByPrefixClosesAnIdleEngineAndTheNextRequestMakesANewOne() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        let event = try await harness.pool.kill(sig(1).short)
        #expect(event.kind == .kill && event.signature == sig(1) && event.tier == .cold)
        #expect(factory.engines[0].isClosed)
        #expect(await harness.row(sig(1)) == nil)
        #expect(try await harness.use(sig(1), factory).hit == false)
        #expect(factory.count == 2)
    }

    @Test func killUnderARequestWaitsForItsEnd() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        let lease = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        let event = try await harness.pool.kill(sig(1).hex)
        #expect(event.detail?.contains("1 requests in flight") == true)
        #expect(!factory.engines[0].isClosed)
        #expect(await harness.pool.snapshot().rows.map(\.state) == [.retiring])
        try await harness.use(sig(1), factory)
        #expect(factory.count == 2, "a killed engine takes no new request")
        lease.release()
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "closed after its last request")
        #expect(!factory.engines[1].isClosed)
    }

    @Test func killRefusesThePermanentEngineUnknownAndAmbiguousPrefixes() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        try await harness.use(sig(2), factory)
        try await harness.use(sig(3), factory)
        let cases: [(String, PoolError.Code)] = [(sig(1).short, .notKillable), ("ffffffff", .notFound), ("0000000", .ambiguousSignature), ("", .notFound)]
        for (prefix, code) in cases {
            let error = await #expect(throws: PoolError.self) { try await harness.pool.kill(prefix) }
            #expect(error?.code == code, "kill '\(prefix)'")
        }
        #expect(factory.engines.allSatisfy { !$0.isClosed })
    }

    @Test func restartSwapsInAFreshEngineAndKeepsTheTier() async throws {
        let harness = try PoolHarness(policy: TestPolicy(promote: 2))
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        try await harness.use(sig(1), factory)
        let lease = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        let event = try await harness.pool.restart(.prefix(sig(1).short))
        #expect(event.kind == .restart && event.tier == .hot)
        #expect(factory.count == 2 && !factory.engines[0].isClosed, "the old engine finishes its request")
        let next = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        #expect(next.engine === factory.engines[1] && next.tier == .hot)
        lease.release()
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "old engine closed after its request")
    }

    @Test func restartPermanentReplacesItEvenAfterItRetired() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        let event = try await harness.pool.restart(.permanent)
        #expect(event.tier == .permanent && event.signature == sig(1))
        #expect(factory.count == 2 && factory.engines[0].isClosed)
        let served = try await harness.use(sig(1), factory)
        #expect(served.tier == .permanent && served.hit)
    }

    @Test func aFailedRestartKeepsTheOldEngine() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        factory.failStarts(true)
        let error = await #expect(throws: PoolError.self) { try await harness.pool.restart(.prefix(sig(1).short)) }
        #expect(error?.code == .engineFailed)
        #expect(!factory.engines[0].isClosed)
        #expect(try await harness.use(sig(1), factory).hit)
        harness.clock.advance(by: .seconds(301))
        #expect(await harness.pool.runJanitor().events.map(\.kind) == [.closeCold], "the janitor sees the engine again")
    }

    @Test func shutdownClosesIdleEnginesNowBusyOnesAfterTheirRequestAndRefusesNewOnes() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        let lease = try await harness.pool.acquire(signature: sig(2), kind: "http", make: factory.make)
        await harness.pool.shutdown()
        #expect(factory.engines[0].isClosed && !factory.engines[1].isClosed)
        let error = await #expect(throws: PoolError.self) { try await harness.use(sig(3), factory) }
        #expect(error?.code == .shuttingDown)
        lease.release()
        try #require(await pollUntil(seconds: 20) { factory.engines[1].isClosed }, "busy engine closed after its request")
        #expect(factory.count == 2)
    }
}
