import Pool
import Testing

@Suite(.timeLimit(.minutes(1))) struct ConcurrencyTests {
    @Test func hundredConcurrentFirstRequestsCreateOneEngine() async throws {
        let harness = try PoolHarness(policy: TestPolicy(promote: 1_000))
        let gate = StartGate()
        let factory = TestEngineFactory(gate: gate)
        let results = try await withThrowingTaskGroup(of: (PoolTier, Bool, ObjectIdentifier).self) { group in
            for _ in 0..<100 {
                group.addTask {
                    let lease = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
                    return (lease.tier, lease.hit, ObjectIdentifier(lease.engine))
                }
            }
            try await eventually("the one start is under way") { gate.waiting == 1 }
            gate.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(factory.count == 1)
        #expect(factory.engines[0].starts == 1)
        #expect(results.count == 100)
        #expect(Set(results.map(\.2)).count == 1)
        let row = try #require(await harness.row(sig(1)))
        #expect(row.hits == 100 && row.inFlight == 0)
        #expect(harness.events.kinds(.create).count == 1)
    }

    @Test func aSlowStartDoesNotBlockAHitOnAnotherSignature() async throws {
        let harness = try PoolHarness()
        let fast = TestEngineFactory()
        try await harness.use(sig(1), fast)
        let gate = StartGate()
        let slow = TestEngineFactory(gate: gate)
        let waiting = Task { try await harness.use(sig(2), slow) }
        try await eventually("slow start under way") { gate.waiting == 1 }

        let hit = try await harness.use(sig(1), fast)
        #expect(hit.hit)
        let snapshot = await harness.pool.snapshot()
        #expect(snapshot.rows.first { $0.signature == sig(2) }?.state == .starting)

        gate.open()
        let created = try await waiting.value
        #expect(!created.hit)
    }

    @Test func aWaitPastItsDeadlineFailsWithTimedOutAndTheStartStillLands() async throws {
        let harness = try PoolHarness(acquireTimeout: .seconds(5))
        let gate = StartGate()
        let factory = TestEngineFactory(gate: gate)
        let waiting = Task { try await harness.use(sig(1), factory) }
        try await eventually("start under way and deadline armed") { gate.waiting == 1 && harness.clock.sleeperCount == 1 }
        harness.clock.advance(by: .seconds(5))
        let error = await #expect(throws: PoolError.self) { try await waiting.value }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains(sig(1).short) == true)

        gate.open()
        try await eventually("late start becomes a live engine") { await harness.row(sig(1))?.state == .ready }
        #expect(try await harness.use(sig(1), factory).hit)
        #expect(factory.count == 1)
    }

    @Test func aCancelledWaiterLeavesAndOthersStillGetTheEngine() async throws {
        let harness = try PoolHarness()
        let gate = StartGate()
        let factory = TestEngineFactory(gate: gate)
        let cancelled = Task { try await harness.use(sig(1), factory) }
        let kept = Task { try await harness.use(sig(1), factory) }
        try await eventually("both waiting") { gate.waiting == 1 && harness.clock.sleeperCount == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        gate.open()
        #expect(try await kept.value.hit == false)
        #expect(await harness.row(sig(1))?.hits == 1)
    }

    @Test func aFailedStartReachesEveryWaiterAndLeavesNoEntry() async throws {
        let harness = try PoolHarness()
        let gate = StartGate()
        let failing = TestEngineFactory(gate: gate, fails: true)
        let waiters = (0..<10).map { _ in Task { try await harness.use(sig(1), failing) } }
        try await eventually("start under way") { gate.waiting == 1 }
        gate.open()
        for waiter in waiters {
            let error = await #expect(throws: PoolError.self) { try await waiter.value }
            #expect(error?.code == .engineFailed)
            #expect(error?.message.contains("test engine refused to start") == true)
        }
        #expect(failing.count == 1)
        #expect(failing.engines[0].isClosed, "a failed engine is closed so it leaks nothing")
        #expect(await harness.pool.snapshot().rows.isEmpty)

        let working = TestEngineFactory()
        #expect(try await harness.use(sig(1), working).hit == false, "the next request starts afresh")
    }
}
