import HTTPFront
import NIOCore
import Protocol

/// Everything the daemon is started with; `crawld` fills it from the command
/// line and `CRAWLD_*` environment variables.
public struct DaemonConfiguration: Sendable {
    /// `--max-running-jobs`, `--jobs-keep`, `--jobs-keep-age` (see `JobConfiguration`).
    public struct JobLimits: Sendable {
        public var maxRunning = 64
        public var keepFinished = 1000
        public var keepFinishedFor: Duration = .seconds(86_400)

        public init() {}
    }

    /// The folder holding policies.lua and extract.lua.
    public var scriptsDirectory: String
    public var server: LineServerConfiguration
    /// `redis://…` or a unix socket path; nil runs with in-memory state only.
    public var redisURL: String?
    /// This instance's name in Redis keys and `monitor.cluster`.
    public var instanceID: String
    /// When set, connections must `auth` with this token first.
    public var authToken: [UInt8]?
    /// Refuse crawl targets that resolve to loopback, private or link-local addresses.
    public var denyPrivate: Bool
    /// Every job output path is relative to this folder.
    public var outputDirectory: String
    /// Where job checkpoints are kept.
    public var stateDirectory: String
    /// Jobs running at once (`busy` past it), and finished jobs remembered: how many and how long.
    public var jobLimits = JobLimits()
    /// `--cluster-jobs`: with Redis, take pages of cluster jobs (`job.submit {cluster: true}`).
    public var clusterJobs = true
    /// Time between two heartbeats into Redis.
    public var heartbeatInterval: Duration
    /// `HOST:PORT` to send circus-style `pid;timestamp` heartbeats to.
    public var watchdogUDP: String?
    /// Time between two UDP heartbeats.
    public var watchdogInterval: Duration
    /// Threads of the event loop group that moves every socket's bytes
    /// (clients and fetched pages; Redis has threads of its own).
    public var eventLoopThreads: Int
    /// `--max-crawl-delay`: the longest robots.txt `Crawl-delay` a job honours.
    public var maxCrawlDelay: Duration
    /// `--max-frontier`: the most URLs one job keeps queued.
    public var maxFrontier: Int
    /// Crawls (fetches and renders) in flight at once, daemon-wide; nil
    /// derives it from the file-descriptor limit, and a value above what
    /// that limit allows is lowered to it (`DescriptorBudget`).
    public var maxCrawlsInFlight: Int?
    /// Crawls in flight at once from one client (peer address); nil is half
    /// the daemon-wide ceiling, so one client never takes all of it.
    public var maxCrawlsPerClient: Int?
    /// How long a `crawl` past a ceiling waits for a slot before `busy`.
    public var crawlQueueWait: Duration
    /// The ceiling on a crawl's `max_body_bytes`; clients may only ask for less.
    public var maxBodyBytes: Int
    /// Bytes all crawls may hold at once while parsed and extracted; nil is
    /// a quarter of the memory crawld may use (`RequestMemoryBudget`).
    public var requestMemory: Int?

    /// The default `maxBodyBytes`: 32 MiB, three times the engine's default
    /// (10 MiB), so a client can still raise it for a large page while five
    /// such pages at once stay inside a 1 GiB budget.
    public static let defaultMaxBodyBytes = 32 << 20
    /// PEM certificate chain and key: with both set, the listener speaks TLS only.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Job watches open at once over the whole daemon; past it `busy`.
    public var maximumWatchers: Int
    /// Job watches open at once on one connection; past it `busy`.
    public var maximumWatchersPerConnection: Int
    /// `--http`: the HTTP listener (monitor routes, /metrics, dashboard); nil, the default, runs none.
    public var http: HTTPFrontConfiguration?

    /// The default for `eventLoopThreads`: a quarter of the cores, at least one.
    ///
    /// Parsing, extract.lua and the answers run on Swift's cooperative pool,
    /// which already has a thread per core; the event loops only move bytes,
    /// about a fifth of a crawl's CPU time. One loop per core as well put
    /// twice as many busy threads as cores, and on a 2-core machine crawld
    /// spent more CPU per crawl switching between them
    /// (`Benchmarks/scripts/crawl.sh small` with `--event-loops` 2 and 1
    /// alternated in one run; docs/benchmarks.md).
    public static var defaultEventLoopThreads: Int {
        max(1, (System.coreCount + 2) / 4)
    }

    public init(
        scriptsDirectory: String,
        server: LineServerConfiguration,
        redisURL: String?,
        instanceID: String,
        authToken: [UInt8]?,
        denyPrivate: Bool = false,
        outputDirectory: String = "./output",
        stateDirectory: String = "./state",
        heartbeatInterval: Duration = .seconds(30),
        watchdogUDP: String? = nil,
        watchdogInterval: Duration = .seconds(10),
        eventLoopThreads: Int = DaemonConfiguration.defaultEventLoopThreads,
        maxCrawlDelay: Duration = .seconds(60),
        maxFrontier: Int = 100_000,
        maxCrawlsInFlight: Int? = nil,
        maxCrawlsPerClient: Int? = nil,
        crawlQueueWait: Duration = .seconds(1),
        maxBodyBytes: Int = DaemonConfiguration.defaultMaxBodyBytes,
        requestMemory: Int? = nil,
        tlsCertificatePath: String? = nil,
        tlsKeyPath: String? = nil,
        maximumWatchers: Int = 1000,
        maximumWatchersPerConnection: Int = 16
    ) {
        self.scriptsDirectory = scriptsDirectory
        self.server = server
        self.redisURL = redisURL
        self.instanceID = instanceID
        self.authToken = authToken
        self.denyPrivate = denyPrivate
        self.outputDirectory = outputDirectory
        self.stateDirectory = stateDirectory
        self.heartbeatInterval = heartbeatInterval
        self.watchdogUDP = watchdogUDP
        self.watchdogInterval = watchdogInterval
        self.eventLoopThreads = eventLoopThreads
        self.maxCrawlDelay = maxCrawlDelay
        self.maxFrontier = maxFrontier
        self.maxCrawlsInFlight = maxCrawlsInFlight
        self.maxCrawlsPerClient = maxCrawlsPerClient
        self.crawlQueueWait = crawlQueueWait
        self.maxBodyBytes = maxBodyBytes
        self.requestMemory = requestMemory
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.maximumWatchers = maximumWatchers
        self.maximumWatchersPerConnection = maximumWatchersPerConnection
    }
}
