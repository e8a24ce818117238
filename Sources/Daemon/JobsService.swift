import Jobs
import Logging
import ServiceLifecycle

/// Runs the job manager: resumes interrupted jobs at start (from disk; with
/// Redis, the manager reads them back from the queue itself), and on SIGTERM
/// stops taking new pages, abandons the waits and fetches in flight (pending
/// in the checkpoint), and marks running jobs `interrupted` before the server drains.
struct JobsService: Service {
    let manager: JobManager
    let logger: Logger

    func run() async throws {
        let resumed = try await manager.restore()
        if !resumed.isEmpty {
            logger.notice("resuming jobs", metadata: ["crawld.jobs": "\(resumed.joined(separator: ","))"])
        }
        await withGracefulShutdownHandler {
            await manager.run()
        } onGracefulShutdown: {
            // A task of its own, since the handler cannot await: it starts the drain that ends run().
            Task { await manager.drain() }
        }
    }
}
