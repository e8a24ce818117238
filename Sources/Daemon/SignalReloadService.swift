import Logging
import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into a script reload, for as long as the daemon runs.
struct SignalReloadService: Service {
    let logger: Logger
    let reload: @Sendable () async -> Void

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading scripts")
            await reload()
        }
    }
}
