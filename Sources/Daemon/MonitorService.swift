import Monitor
import ServiceLifecycle

/// Runs the monitor (flushes to Redis, heartbeats, timeline) until shutdown;
/// its last round flushes and deregisters this instance.
struct MonitorService: Service {
    let monitor: Monitor

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await monitor.run()
        } onGracefulShutdown: {
            monitor.stop()
        }
    }
}
