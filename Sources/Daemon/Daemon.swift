import Crawl
import Logging
import NIOCore
import NIOPosix
import Pool
import Protocol
import Scripting
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
    /// - Throws: `DaemonError` when the scripts do not load or the server cannot start.
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
        let scripts = ScriptRegistry(directory: configuration.scriptsDirectory, logger: logger)
        do {
            let generation = try await scripts.reload()
            logger.info("scripts loaded", metadata: ["crawld.scripts.generation": "\(generation)"])
        } catch {
            throw DaemonError(kind: .configuration, message: "scripts in '\(configuration.scriptsDirectory)' refused: \(error.message)")
        }
        let pool = EnginePool(policy: scripts.policies, logger: logger)
        let crawler = Crawler(
            pool: pool, scripts: scripts, validator: URLValidator(denyPrivate: configuration.denyPrivate),
            eventLoopGroup: group, logger: logger
        )
        do {
            try await crawler.startPermanentEngine()
        } catch {
            throw DaemonError(kind: .startup, message: "the permanent engine did not start: \(error)")
        }
        let reloader = ScriptReloader(scripts: scripts, crawler: crawler, logger: logger)

        var registry = OpRegistry()
        registry.register(PingOp())
        registry.register(AuthOp(expectedToken: configuration.authToken))
        registry.register(CrawlOp(crawler: crawler))
        registry.register(ReloadOp(reloader: reloader))
        registry.register(PoolCleanupOp(pool: pool))
        registry.register(PoolKillOp(pool: pool))
        registry.register(PoolRestartOp(pool: pool))
        registry.register(MonitorPoolOp(pool: pool))

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
            _ = try? await reloader.reload()
        }
        // Shut down in reverse order: the server drains first, then the rest.
        let services = ServiceGroup(
            configuration: .init(
                services: [JanitorService(pool: pool), reload, server],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await services.run()
        await pool.shutdown()
        logger.notice("stopped")
    }
}
