import Crawl
import Engines
import FoundationEssentials
import HTTPFront
import Jobs
import Logging
import Monitor
import NIOCore
import NIOPosix
import Pool
import Protocol
import Redis
import Scripting
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The composition root: builds every module from the configuration, wires
/// them together, registers the ops, and runs them as one `ServiceGroup`
/// that drains on SIGTERM / SIGINT and reloads scripts on SIGHUP.
public struct Daemon: Sendable {
    let configuration: DaemonConfiguration
    private let logger: Logger

    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT, then drains and returns.
    /// - Throws: `DaemonError` when the configuration is unusable or the server cannot start.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        do {
            try await serve(on: group)
        } catch {
            await BrowserEngine.stopAllBrowsers()
            try? await group.shutdownGracefully()
            throw error
        }
        // Last, after the pool closed what it could: a browser still busy when
        // drain ended is stopped and reaped here, so none outlives crawld.
        await BrowserEngine.stopAllBrowsers()
        try await group.shutdownGracefully()
    }

    private func serve(on group: MultiThreadedEventLoopGroup) async throws {
        // First, before anything opens descriptors under the soft limit's accounting.
        let descriptors = DescriptorBudget.raisingToHardLimit()
        var listener = serverConfiguration(descriptors: descriptors)
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            listener.tls = try ListenerTLS.context(certificatePath: certificate, keyPath: key)
        }
        let scripts = try await loadScripts()
        let probe = MemoryProbe()
        let tiers = PoolSnapshotCache()
        let redis = try makeRedis()
        // Started here, not by the monitor's service, so that jobs may read Redis from their first turn.
        redis?.start()
        let monitor = try makeMonitor(probe: probe, tiers: tiers, redis: redis)
        monitor.setScripts(generation: scripts.generation, lastError: nil)
        let metrics = configuration.http == nil ? nil : CrawldMetrics()
        let pool = EnginePool(policy: scripts.policies, probe: probe, logger: logger) { event in
            metrics?.recordPoolEvent(kind: event.kind.rawValue)
            monitor.recordPoolEvent(
                kind: event.kind.rawValue, signature: event.signature.short, tier: event.tier.rawValue,
                idleSeconds: event.idle.seconds, ttlSeconds: event.ttl?.seconds ?? 0
            )
        }
        let crawler = Crawler(
            pool: pool, scripts: scripts, validator: URLValidator(denyPrivate: configuration.denyPrivate),
            eventLoopGroup: group, limits: makeCrawlLimits(probe: probe), logger: logger
        )
        do {
            try await crawler.startPermanentEngine()
        } catch {
            throw DaemonError(kind: .startup, message: "the permanent engine did not start: \(error)")
        }
        let admission = makeCrawlAdmission(descriptors: descriptors)
        let reloader = ScriptReloader(scripts: scripts, crawler: crawler, monitor: monitor, logger: logger, metrics: metrics)
        let policies = scripts.policies
        let throttle = HostThrottle(
            policy: { host, stats in await policies.politeness(host: host, stats: stats.json) }, maxPause: configuration.maxCrawlDelay)
        let identities = IdentityBook(
            policy: IdentityPolicy(
                identities: {
                    policies.settings.identities.mapValues { CrawlIdentity(name: $0.name, config: $0.config, cookieJar: $0.cookieJar) }
                },
                choose: { host, stats in await policies.identity(for: host, stats: stats) },
                blocked: { page in await policies.blocked(page: page) }))
        let jobs = try makeJobManager(
            fetcher: JobPageFetcher(crawler: crawler, admission: admission), throttle: throttle, identities: identities, scripts: scripts,
            redis: redis, monitor: monitor
        )

        var registry = OpRegistry()
        registry.register(PingOp())
        registry.register(AuthOp(expectedToken: configuration.authToken, throttle: AuthThrottle()))
        registry.register(CrawlOp(crawler: crawler, admission: admission, throttle: throttle))
        registry.register(ReloadOp(reloader: reloader))
        registry.register(PoolCleanupOp(pool: pool))
        registry.register(PoolKillOp(pool: pool))
        registry.register(PoolRestartOp(pool: pool))
        registry.register(MonitorPoolOp(pool: pool))
        registry.register(MonitorHealthOp(monitor: monitor))
        registry.register(MonitorRequestsOp(monitor: monitor))
        registry.register(MonitorEndpointsOp(monitor: monitor))
        registry.register(MonitorTimelineOp(monitor: monitor))
        registry.register(MonitorLogsOp(monitor: monitor))
        registry.register(MonitorClusterOp(monitor: monitor))
        registry.register(MonitorIdentitiesOp(book: identities))
        registry.register(StatsResetOp(monitor: monitor))
        let watchSlots = WatchSlots(maximum: configuration.maximumWatchers, maximumPerConnection: configuration.maximumWatchersPerConnection)
        registry.register(JobSubmitOp(manager: jobs, limits: crawler.limits, slots: watchSlots) { policies.settings.clusterJobs })
        registry.register(JobWatchOp(manager: jobs, slots: watchSlots))
        registry.register(JobStatusOp(manager: jobs))
        registry.register(JobCancelOp(manager: jobs))
        registry.register(JobPauseOp(manager: jobs, pause: true))
        registry.register(JobPauseOp(manager: jobs, pause: false))
        registry.register(JobListOp(manager: jobs))
        registry.register(JobResultsOp(manager: jobs))

        let dispatcher = registry.buildDispatcher(logger: logger, observer: RequestObserver(monitor: monitor, logger: logger, metrics: metrics))
        let supervisor = try makeSupervisorHeartbeat(
            eventLoop: group.next(), probe: RequestPathProbe(dispatcher: dispatcher, scripts: scripts)
        )
        let logger = self.logger
        let server = LineServer(
            configuration: listener,
            dispatcher: dispatcher,
            group: group,
            logger: logger,
            onBound: { address in
                logger.notice("listening on \(address.ipAddress ?? "?"):\(address.port ?? 0)")
                supervisor.notifyReady()
            },
            onDrain: { supervisor.notifyStopping() }
        )
        let reload = SignalReloadService(logger: logger) {
            _ = try? await reloader.reload()
        }
        try await supervisor.start()
        // Services shut down in reverse order: the drain's deadline starts,
        // jobs checkpoint and end their watches, then the HTTP side and the
        // server drain, and the monitor goes last so that it records and
        // flushes the final requests.
        // Each named here: without a name, ServiceLifecycle names a service by describing it
        // ("\(service)"), which reflects over its stored properties, a tenth of the daemon's
        // start-up CPU (docs/benchmarks.md, 2026-12-06), and puts that description in the logs.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: MonitorService(monitor: monitor), serviceName: "monitor"),
            .init(service: PoolSnapshotService(pool: pool, cache: tiers), serviceName: "pool-snapshot"),
            .init(service: JanitorService(pool: pool), serviceName: "janitor"),
            .init(service: reload, serviceName: "script-reload"),
            .init(service: server, serviceName: "line-server"),
        ]
        if var http = configuration.http, let metrics {
            http.maximumConnections = descriptors.httpConnections
            let sources = MetricsSources(monitor: monitor, pool: pool, jobs: jobs, redis: redis, scripts: scripts)
            let front = HTTPFront.service(
                configuration: http, dispatcher: dispatcher, reader: registry.buildDispatcher(logger: logger, observer: nil),
                metrics: { await metrics.exposition(from: sources) }, eventLoopGroup: group, logger: logger, onBound: Self.announce(logger: logger)
            )
            services.append(.init(service: front, serviceName: "http"))
        }
        services.append(.init(service: JobsService(manager: jobs, logger: logger), serviceName: "jobs"))
        services.append(.init(service: DrainDeadlineService(deadline: DrainDeadline(drainTimeout: listener.drainTimeout, logger: logger)), serviceName: "drain-deadline"))
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        // A service that fails (a listener that cannot bind) ends the group with its error; the engines
        // close all the same, or AsyncHTTPClient traps on the deinit of a client never shut down.
        let failure: (any Error)?
        do {
            try await serviceGroup.run()
            failure = nil
        } catch {
            failure = error
        }
        await supervisor.stop()
        await pool.shutdown()
        if let failure { throw failure }
        logger.notice("stopped")
    }

    /// Logs the HTTP listener's dashboard URL once bound, for `make run` to show.
    private static func announce(logger: Logger) -> @Sendable (SocketAddress) -> Void {
        { address in
            let host = address.protocol == .inet6 ? "[\(address.ipAddress ?? "::1")]" : address.ipAddress ?? "?"
            logger.notice("http dashboard at http://\(host):\(address.port ?? 0)/dashboard")
        }
    }

    func loadScripts() async throws -> ScriptRegistry {
        let scripts = ScriptRegistry(directory: configuration.scriptsDirectory, logger: logger)
        do {
            let generation = try await scripts.reload()
            logger.info("scripts loaded", metadata: ["crawld.scripts.generation": "\(generation)"])
        } catch {
            throw DaemonError(kind: .configuration, message: "scripts in '\(configuration.scriptsDirectory)' refused: \(error.message)")
        }
        return scripts
    }

    /// The one connection to Redis the monitor and the jobs share, or nil with `--redis none`.
    func makeRedis() throws -> RedisConnection? {
        do {
            return try configuration.redisURL.map { url in
                RedisConnection(configuration: try RedisConfiguration(url: url), logger: logger)
            }
        } catch {
            throw DaemonError(kind: .configuration, message: "\(error)")
        }
    }

    private func makeMonitor(probe: MemoryProbe, tiers: PoolSnapshotCache, redis: RedisConnection?) throws -> Monitor {
        do {
            let instanceID = try InstanceID(configuration.instanceID)
            var monitorConfiguration = MonitorConfiguration(
                instanceID: instanceID, version: CrawldVersion.current,
                listen: "\(configuration.server.host):\(configuration.server.port)"
            )
            monitorConfiguration.heartbeatInterval = configuration.heartbeatInterval
            monitorConfiguration.ttls = try MonitorTTLs(environment: ProcessInfo.processInfo.environment)
            return Monitor(
                configuration: monitorConfiguration, redis: redis, logger: logger,
                memoryPercent: { probe.read()?.percent ?? 0 }, poolSnapshot: { tiers.current }
            )
        } catch {
            throw DaemonError(kind: .configuration, message: "\(error)")
        }
    }

    /// Jobs with Redis: checkpoints in Redis and the cluster's queue; with
    /// `--redis none`: checkpoints in `--state-dir`, jobs of this process only.
    private func makeJobManager(fetcher: JobPageFetcher, throttle: HostThrottle, identities: IdentityBook, scripts: ScriptRegistry, redis: RedisConnection?, monitor: Monitor) throws -> JobManager {
        var jobConfiguration = JobConfiguration()
        jobConfiguration.outputDirectory = configuration.outputDirectory
        jobConfiguration.maxRunningJobs = configuration.jobLimits.maxRunning
        jobConfiguration.keepFinishedJobs = configuration.jobLimits.keepFinished
        jobConfiguration.keepFinishedFor = configuration.jobLimits.keepFinishedFor
        jobConfiguration.maxCrawlDelay = configuration.maxCrawlDelay
        jobConfiguration.maxFrontier = configuration.maxFrontier
        let store: any JobCheckpointStore
        var cluster: JobCluster?
        var blocking: RedisConnection?
        if let redis {
            let ttl = ProcessInfo.processInfo.environment["CRAWLD_REDIS_TTL_JOBS"].flatMap { Int($0) } ?? 7 * 86400
            let redisStore = RedisCheckpointStore(redis: redis, instance: configuration.instanceID, finishedTTL: max(1, ttl))
            store = redisStore
            cluster = JobCluster(queue: JobQueue(store: redisStore)) { await monitor.liveInstanceIDs() }
            cluster?.maxRunningJobs = configuration.jobLimits.maxRunning
            blocking = try makeRedis()
        } else {
            do {
                store = try DiskCheckpointStore(stateDirectory: configuration.stateDirectory)
            } catch {
                throw DaemonError(kind: .configuration, message: "--state-dir: \(error.message)")
            }
        }
        let policies = scripts.policies
        var environment = JobEnvironment(
            configuration: jobConfiguration, fetcher: fetcher, store: store,
            throttle: throttle, identities: identities,
            retry: { attempt, status, error in await policies.retryDelay(attempt: attempt, status: status, error: error) },
            logger: logger
        )
        environment.redis = redis
        let transport = WebhookHTTPTransport(validator: URLValidator(denyPrivate: configuration.denyPrivate)) { host in
            policies.settings.webhookPrivateHosts.contains(host.lowercased())
        }
        environment.webhooks = WebhookDispatcher(transport: transport, logger: logger)
        if let redis, let blocking, let live = cluster?.liveInstances {
            // The blocking reads that wake cluster workers get a connection of their own: a blocked one answers nothing else.
            blocking.start()
            cluster?.crawls = ClusterCrawls(
                redis: redis, blocking: blocking, instance: configuration.instanceID, takesPages: configuration.clusterJobs,
                environment: environment, liveInstances: live)
        }
        return JobManager(environment: environment, cluster: cluster)
    }

    /// The body ceiling and the request-memory budget: the operator's, or a
    /// quarter of the memory crawld may use.
    private func makeCrawlLimits(probe: MemoryProbe) -> CrawlLimits {
        let capacity = configuration.requestMemory ?? RequestMemoryBudget.defaultCapacity(totalMemory: probe.read()?.limitBytes ?? 4 << 30)
        logger.info("request limits", metadata: ["crawld.max_body_bytes": "\(configuration.maxBodyBytes)", "crawld.request_memory": "\(capacity)"])
        return CrawlLimits(maxBodyBytes: configuration.maxBodyBytes, memory: RequestMemoryBudget(capacity: capacity))
    }

    /// The crawl ceilings: the operator's, never above what the descriptor
    /// limit allows (`DescriptorBudget`).
    private func makeCrawlAdmission(descriptors: DescriptorBudget) -> CrawlAdmission {
        let total = min(configuration.maxCrawlsInFlight ?? descriptors.crawls, descriptors.crawls)
        if let asked = configuration.maxCrawlsInFlight, asked > total {
            logger.warning("--max-crawls-in-flight \(asked) is more than \(descriptors.limit) file descriptors allow; using \(total) (raise the hard limit for more)")
        }
        let perClient = min(configuration.maxCrawlsPerClient ?? max(1, total / 2), total)
        logger.info(
            "crawl ceilings", metadata: ["crawld.fd_limit": "\(descriptors.limit)", "crawld.crawls.max": "\(total)", "crawld.crawls.per_client": "\(perClient)"]
        )
        return CrawlAdmission(limits: .init(total: total, perClient: perClient, patience: configuration.crawlQueueWait))
    }

    /// The server's configuration with `--max-connections` no higher than the descriptor limit allows.
    private func serverConfiguration(descriptors: DescriptorBudget) -> LineServerConfiguration {
        var server = configuration.server
        if server.maximumConnections > descriptors.connections {
            logger.notice("--max-connections \(server.maximumConnections) is more than \(descriptors.limit) file descriptors allow; using \(descriptors.connections)")
            server.maximumConnections = descriptors.connections
        }
        return server
    }

    private func makeSupervisorHeartbeat(eventLoop: any EventLoop, probe: RequestPathProbe) throws -> SupervisorHeartbeat {
        do {
            return try SupervisorHeartbeat(
                watchdogUDP: configuration.watchdogUDP,
                interval: TimeAmount(configuration.watchdogInterval),
                eventLoop: eventLoop, logger: logger, probe: probe.run
            )
        } catch {
            throw DaemonError(kind: .configuration, message: "\(error)")
        }
    }
}
