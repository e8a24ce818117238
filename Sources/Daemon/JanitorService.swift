import Pool
import ServiceLifecycle

/// Runs the pool's janitor loop until the daemon shuts down.
struct JanitorService: Service {
    let pool: EnginePool<ContinuousClock>

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await pool.run()
        }
    }
}
