import Logging
import NIOCore
import NIOPosix
import Protocol
import ServiceLifecycle

/// The composition root: builds every module from the configuration, wires
/// them together, registers the ops, and runs them as one `ServiceGroup`
/// that drains on SIGTERM / SIGINT and reloads scripts on SIGHUP.
public struct Daemon: Sendable {
    private let configuration: DaemonConfiguration
    private let logger: Logger

    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT, then drains and returns.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        do {
            try await serve(on: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private func serve(on group: MultiThreadedEventLoopGroup) async throws {
        var registry = OpRegistry()
        registry.register(PingOp())
        registry.register(AuthOp(expectedToken: configuration.authToken))

        let dispatcher = registry.buildDispatcher(logger: logger, observer: RequestLogObserver(logger: logger))
        let logger = self.logger
        let server = LineServer(
            configuration: configuration.server,
            dispatcher: dispatcher,
            group: group,
            logger: logger,
            onBound: { address in
                logger.notice("listening on \(address.ipAddress ?? "?"):\(address.port ?? 0)")
            }
        )
        let reload = SignalReloadService(logger: logger) {
            logger.info("reload requested; no scripts are loaded by this build yet")
        }
        let services = ServiceGroup(
            configuration: .init(
                services: [reload, server],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await services.run()
        logger.notice("stopped")
    }
}
