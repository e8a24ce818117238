import Pool
import ServiceLifecycle

/// Runs the pool's janitor loop until the daemon shuts down, and gives the
/// freed heap back to the kernel after each round.
struct JanitorService: Service {
    let pool: EnginePool<ContinuousClock>
    let heap = HeapTrimmer()

    func run() async throws {
        let heap = self.heap
        try await cancelWhenGracefulShutdown {
            try await pool.run(afterEachRound: { heap.trim() })
        }
    }
}
