import Logging
import Pool
import Synchronization

/// Collects the pool's events.
final class EventLog: Sendable {
    private let events = Mutex<[PoolEvent]>([])

    func record(_ event: PoolEvent) { events.withLock { $0.append(event) } }
    var all: [PoolEvent] { events.withLock { $0 } }
    func kinds(_ kind: PoolEvent.Kind) -> [PoolEvent] { all.filter { $0.kind == kind } }
}

/// A pool on a test clock with memory at a chosen level, plus what a test inspects.
struct PoolHarness {
    let clock = TestClock()
    let events = EventLog()
    let memory: MemoryFixture
    let pool: EnginePool<TestClock>

    /// - Parameter memoryPercent: memory use through a cgroup v2 fixture; `nil` writes no memory files.
    init(policy: TestPolicy = TestPolicy(), memoryPercent: Double? = 10, acquireTimeout: Duration = .seconds(30)) throws {
        memory = try MemoryFixture()
        if let memoryPercent { try memory.use(percent: memoryPercent) }
        let events = events
        pool = EnginePool(
            policy: policy, clock: clock, probe: memory.probe,
            configuration: EnginePoolConfiguration(acquireTimeout: acquireTimeout),
            logger: Logger(label: "crawld.pool.tests", factory: { _ in SwiftLogNoOpLogHandler() }),
            onEvent: { events.record($0) }
        )
    }

    /// One request: acquire, note the lease, release.
    @discardableResult
    func use(_ signature: EngineSignature, _ factory: TestEngineFactory) async throws -> (tier: PoolTier, hit: Bool) {
        let lease = try await pool.acquire(signature: signature, kind: factory.kind, make: factory.make)
        return (lease.tier, lease.hit)
    }

    func row(_ signature: EngineSignature) async -> PoolSnapshot.Row? {
        await pool.snapshot().rows.first { $0.signature == signature && $0.state != .retiring }
    }
}

/// Signature number `n`: distinct in its first 8 hex digits.
func sig(_ n: Int) -> EngineSignature {
    let hex = String(n, radix: 16)
    return EngineSignature(hex: String(repeating: "0", count: 8 - min(hex.count, 8)) + hex + "ab12cd34ef56")!
}

/// A count shared by tasks.
final class Counter: Sendable {
    private let value = Mutex(0)

    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
