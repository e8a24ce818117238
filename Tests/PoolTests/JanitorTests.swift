import Pool
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(10))) struct JanitorTests {
    /// Memory use inside each band of `TestPolicy.bands`.
    static let bandPercents: [Double] = [20, 65, 90]

    @Test(arguments: bandPercents)
    func coldAndHotEnginesCloseStrictlyPastTheirBandsTTL(_ percent: Double) async throws {
        let harness = try PoolHarness(policy: TestPolicy(promote: 2, memoryLimit: 99), memoryPercent: percent)
        let settings = TestPolicy.bands.first { percent < $0.upTo }!.settings
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        try await harness.use(sig(2), factory)
        try await harness.use(sig(2), factory)
        #expect(await harness.row(sig(1))?.tier == .cold)
        #expect(await harness.row(sig(2))?.tier == .hot)

        harness.clock.advance(by: settings.coldTTL)
        #expect(await harness.pool.runJanitor().events.isEmpty, "idle exactly the cold TTL stays")
        harness.clock.advance(by: .milliseconds(1))
        let coldRound = await harness.pool.runJanitor()
        #expect(coldRound.settings == settings)
        #expect(coldRound.events.map(\.kind) == [.closeCold])
        #expect(coldRound.events.first?.ttl == settings.coldTTL)
        #expect(coldRound.events.first?.idle == settings.coldTTL + .milliseconds(1))
        #expect(factory.engines[0].isClosed && !factory.engines[1].isClosed)

        harness.clock.advance(by: settings.hotTTL - settings.coldTTL - .milliseconds(1))
        #expect(await harness.pool.runJanitor().events.isEmpty, "idle exactly the hot TTL stays")
        harness.clock.advance(by: .milliseconds(1))
        let hotRound = await harness.pool.runJanitor()
        #expect(hotRound.events.map(\.kind) == [.closeHot])
        #expect(hotRound.events.first?.ttl == settings.hotTTL)
        #expect(factory.engines[1].isClosed)
        #expect(await harness.pool.snapshot().rows.isEmpty)
    }

    @Test func permanentAndInUseEnginesAreNeverClosed() async throws {
        let harness = try PoolHarness(policy: TestPolicy(memoryLimit: 99), memoryPercent: 95)
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        let lease = try await harness.pool.acquire(signature: sig(2), kind: "http", make: factory.make)
        harness.clock.advance(by: .seconds(365 * 24 * 3600))
        #expect(await harness.pool.runJanitor().events.isEmpty)
        #expect(await harness.pool.cleanup().events.isEmpty)
        #expect(factory.engines.allSatisfy { !$0.isClosed })
        lease.release()
        harness.clock.advance(by: .seconds(11))
        #expect(await harness.pool.cleanup().events.map(\.signature) == [sig(2)])
        #expect(!factory.engines[0].isClosed && factory.engines[1].isClosed)
    }

    @Test func useCountsSurviveJanitorRounds() async throws {
        let harness = try PoolHarness(policy: TestPolicy(promote: 3))
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        await harness.pool.runJanitor()
        try await harness.use(sig(1), factory)
        await harness.pool.runJanitor()
        #expect(await harness.row(sig(1))?.hits == 2)
        try await harness.use(sig(1), factory)
        #expect(await harness.row(sig(1))?.tier == .hot)
        #expect(factory.count == 1)
    }

    @Test func cleanupUsesTheShortestTTLsWhateverMemoryUseIs() async throws {
        let harness = try PoolHarness(memoryPercent: 10)
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        harness.clock.advance(by: .seconds(11))
        #expect(await harness.pool.runJanitor().events.isEmpty, "low pressure: cold TTL is 300 s")
        let report = await harness.pool.cleanup()
        #expect(report.memoryPercent == 10)
        #expect(report.settings == TestPolicy.bands[2].settings)
        #expect(report.events.map(\.kind) == [.closeCold])
    }

    @Test func runLoopSleepsThePolicysIntervalAndReadsMemoryEachRound() async throws {
        let harness = try PoolHarness(memoryPercent: 20)
        let factory = TestEngineFactory()
        try await harness.use(sig(1), factory)
        let janitor = Task { try await harness.pool.run() }
        try #require(await pollUntil(seconds: 20) { harness.clock.sleeperCount == 1 }, "janitor sleeps")
        try harness.memory.use(percent: 90)
        harness.clock.advance(by: .seconds(29))
        #expect(harness.clock.sleeperCount == 1, "the low-pressure interval is 30 s")
        harness.clock.advance(by: .seconds(1))
        try #require(await pollUntil(seconds: 20) { factory.engines[0].isClosed }, "round at high pressure closes the engine")
        #expect(harness.events.kinds(.closeCold).first?.ttl == .seconds(10))
        janitor.cancel()
        try await janitor.value
    }

    @Test func runLoopCallsItsHookAfterEachRound() async throws {
        let harness = try PoolHarness(memoryPercent: 20)
        let rounds = Counter()
        let janitor = Task { try await harness.pool.run(afterEachRound: { rounds.increment() }) }
        try #require(await pollUntil(seconds: 20) { harness.clock.sleeperCount == 1 }, "first round, then a sleep")
        #expect(rounds.count == 1)
        harness.clock.advance(by: .seconds(30))
        try #require(await pollUntil(seconds: 20) { rounds.count == 2 }, "second round")
        janitor.cancel()
        try await janitor.value
        #expect(rounds.count == 2)
    }
}
