import Pool
import Testing

@Suite(.timeLimit(.minutes(10))) struct PromotionTests {
    @Test(arguments: [1, 2, 3, 5])
    func coldTurnsHotAtExactlyPromoteAfterUses(_ promoteAfter: Int) async throws {
        let harness = try PoolHarness(policy: TestPolicy(promote: promoteAfter))
        let factory = TestEngineFactory()
        for use in 1...promoteAfter {
            let served = try await harness.use(sig(1), factory)
            #expect(served.tier == .cold, "use \(use) is served from the cold tier")
            #expect(served.hit == (use > 1))
            let tierAfter = await harness.row(sig(1))?.tier
            #expect(tierAfter == (use < promoteAfter ? .cold : .hot), "after use \(use)")
        }
        let next = try await harness.use(sig(1), factory)
        #expect(next.tier == .hot && next.hit)
        #expect(factory.count == 1)
        #expect(harness.events.kinds(.promote).count == 1)
        #expect(harness.events.kinds(.promote).first?.signature == sig(1))
    }

    @Test func firstRequestCreatesOneColdEngineAndCountsAsAUse() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        let served = try await harness.use(sig(7), factory)
        #expect(served.tier == .cold && !served.hit)
        let row = try #require(await harness.row(sig(7)))
        #expect(row.hits == 1 && row.inFlight == 0 && row.state == .ready && row.killable)
        #expect(factory.engines.first?.starts == 1)
        #expect(harness.events.kinds(.create).map(\.tier) == [.cold])
    }

    @Test func aRequestWithThePermanentSignatureHitsThePermanentEngine() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        let served = try await harness.use(sig(1), factory)
        #expect(served.tier == .permanent && served.hit)
        #expect(factory.count == 1)
        let snapshot = await harness.pool.snapshot()
        #expect(snapshot.counts == [.permanent: 1, .hot: 0, .cold: 0])
        #expect(snapshot.rows.first?.killable == false)
        #expect(snapshot.memoryBytes == 4096)
    }

    @Test func newPermanentSignatureDemotesTheOldPermanentToHot() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        try await harness.pool.startPermanent(signature: sig(2), kind: "http", make: factory.make)
        #expect(await harness.row(sig(1))?.tier == .hot)
        #expect(await harness.row(sig(2))?.tier == .permanent)
    }

    @Test func leaseKeepsTheEngineInFlightUntilReleased() async throws {
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        let lease = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
        #expect(lease.engine === factory.engines.first)
        #expect(await harness.row(sig(1))?.inFlight == 1)
        lease.release()
        #expect(await harness.row(sig(1))?.inFlight == 0)
    }

    @Test func withEngineReleasesWhenTheBodyThrows() async throws {
        struct BodyFailed: Error {}
        let harness = try PoolHarness()
        let factory = TestEngineFactory()
        await #expect(throws: BodyFailed.self) {
            try await harness.pool.withEngine(signature: sig(1), kind: "http", make: factory.make) { lease in
                #expect(lease.signature == sig(1))
                throw BodyFailed()
            }
        }
        #expect(await harness.row(sig(1))?.inFlight == 0)
        let kind = try await harness.pool.withEngine(signature: sig(1), kind: "http", make: factory.make) { $0.engine.kind }
        #expect(kind == "http")
    }

    @Test func askingForAnotherEngineTypeUnderASignatureFailsCleanly() async throws {
        final class OtherEngine: PooledEngine {
            let kind = "browser"
            func start() async throws {}
            func close() async {}
            func isHealthy() async -> Bool { true }
            func memoryBytes() async -> Int { 0 }
        }
        let harness = try PoolHarness()
        try await harness.use(sig(1), TestEngineFactory())
        let error = await #expect(throws: PoolError.self) {
            _ = try await harness.pool.acquire(signature: sig(1), kind: "browser", make: { OtherEngine() })
        }
        #expect(error?.code == .engineTypeMismatch)
        #expect(await harness.row(sig(1))?.inFlight == 0)
    }
}
