import Pool
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(10))) struct ConcurrencyTests {
    @Test func hundredConcurrentFirstRequestsCreateOneEngine() async throws {
        let harness = try PoolHarness(policy: TestPolicy(promote: 1_000))
        let gate = StartGate()
        defer { gate.open() }
        let factory = TestEngineFactory(gate: gate)
        let finished = Counter()
        let requests = (0..<100).map { _ in
            Task {
                defer { finished.increment() }
                let lease = try await harness.pool.acquire(signature: sig(1), kind: "http", make: factory.make)
                return (lease.hit, ObjectIdentifier(lease.engine))
            }
        }
        // No `try` before the gate opens: a failure here must not leave requests stuck behind it.
        let allWaiting = await pollUntil(seconds: 20) { harness.clock.sleeperCount == 100 }
        #expect(allWaiting, "every request waits on its deadline timer")
        #expect(gate.waiting == 1, "one start for 100 first requests")
        gate.open()
        if !(await pollUntil(seconds: 20) { finished.count == 100 }) {
            harness.clock.advance(by: .seconds(31))
        }
        var engines = Set<ObjectIdentifier>()
        for request in requests {
            let (hit, engine) = try await request.value
            #expect(!hit)
            engines.insert(engine)
        }
        #expect(engines.count == 1)
        #expect(factory.count == 1)
        #expect(factory.engines[0].starts == 1)
        let row = try #require(await harness.row(sig(1)))
        #expect(row.hits == 100 && row.inFlight == 0)
        #expect(harness.events.kinds(.create).count == 1)
    }

    @Test func aSlowStartDoesNotBlockAHitOnAnotherSignature() async throws {
        let harness = try PoolHarness()
        let fast = TestEngineFactory()
        try await harness.use(sig(1), fast)
        let gate = StartGate()
        defer { gate.open() }
        let slow = TestEngineFactory(gate: gate)
        let waiting = Task { try await harness.use(sig(2), slow) }
        try #require(await pollUntil(seconds: 20) { gate.waiting == 1 }, "slow start under way")

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
        defer { gate.open() }
        let factory = TestEngineFactory(gate: gate)
        let waiting = Task { try await harness.use(sig(1), factory) }
        try #require(await pollUntil(seconds: 20) { gate.waiting == 1 && harness.clock.sleeperCount == 1 }, "start under way and deadline armed")
        harness.clock.advance(by: .seconds(5))
        let error = await #expect(throws: PoolError.self) { try await waiting.value }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains(sig(1).short) == true)

        gate.open()
        try #require(await pollUntil(seconds: 20) { await harness.row(sig(1))?.state == .ready }, "late start becomes a live engine")
        #expect(try await harness.use(sig(1), factory).hit)
        #expect(factory.count == 1)
    }

    @Test func aCancelledWaiterLeavesAndOthersStillGetTheEngine() async throws {
        let harness = try PoolHarness()
        let gate = StartGate()
        defer { gate.open() }
        let factory = TestEngineFactory(gate: gate)
        let cancelled = Task { try await harness.use(sig(1), factory) }
        let kept = Task { try await harness.use(sig(1), factory) }
        try #require(await pollUntil(seconds: 20) { gate.waiting == 1 && harness.clock.sleeperCount == 2 }, "both waiting")
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        gate.open()
        #expect(try await kept.value.hit == false)
        #expect(await harness.row(sig(1))?.hits == 1)
    }

    @Test func aFailedStartReachesEveryWaiterAndLeavesNoEntry() async throws {
        let harness = try PoolHarness()
        let gate = StartGate()
        defer { gate.open() }
        let failing = TestEngineFactory(gate: gate, fails: true)
        let waiters = (0..<10).map { _ in Task { try await harness.use(sig(1), failing) } }
        try #require(await pollUntil(seconds: 20) { gate.waiting == 1 }, "start under way")
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
