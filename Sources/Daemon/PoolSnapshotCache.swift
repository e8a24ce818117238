import Monitor
import Pool
import ServiceLifecycle
import Synchronization

/// The pool's tiers as the monitor samples them. The monitor reads them
/// synchronously while a pool snapshot is async (it asks each engine for its
/// memory), so `PoolSnapshotService` refreshes this copy every few seconds.
final class PoolSnapshotCache: Sendable {
    private let tiers = Mutex<[MonitorTierSnapshot]>([])

    /// Engines and memory per tier, as of the last refresh.
    var current: [MonitorTierSnapshot] { tiers.withLock { $0 } }

    func refresh(from pool: EnginePool<ContinuousClock>) async {
        let snapshot = await pool.snapshot()
        let rows = PoolTier.allCases.map { tier in
            let engines = snapshot.rows.filter { $0.tier == tier }
            return MonitorTierSnapshot(tier: tier.rawValue, engines: engines.count, memoryBytes: Int64(engines.reduce(0) { $0 + $1.memoryBytes }))
        }
        tiers.withLock { $0 = rows }
    }
}

/// Keeps a `PoolSnapshotCache` fresh until shutdown.
struct PoolSnapshotService: Service {
    let pool: EnginePool<ContinuousClock>
    let cache: PoolSnapshotCache
    var interval: Duration = .seconds(5)

    /// Ends as soon as the drain begins: a sleep left to run out held SIGTERM up to `interval` longer.
    func run() async throws {
        let (pool, cache, interval) = (self.pool, self.cache, self.interval)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await cache.refresh(from: pool)
                try await Task.sleep(for: interval)
            }
        }
    }
}
