import Logging
import Redis

/// Settings of the Jobs module that come from the command line, not from a job.
public struct JobConfiguration: Sendable {
    /// `--output-dir`: every job output path is relative to it.
    public var outputDirectory = "./output"
    /// The product token matched against robots.txt `user-agent` lines.
    public var userAgent = "crawld"
    /// A checkpoint is written after this many pages (a page per 50 URLs of the
    /// frontier when that is more: `JobRunner.checkpointPages`)...
    public var checkpointEveryPages = 100
    /// ...or when this much time passed since the last one, whichever comes first.
    public var checkpointInterval: Duration = .seconds(10)
    /// How long an unreachable robots.txt (5xx, no answer) keeps its origin disallowed.
    public var robotsUnreachableRetry: Duration = .seconds(600)
    /// A `Retry-After` longer than this gives up on the page instead of waiting.
    public var maxRetryAfter: Duration = .seconds(300)
    /// The least time between two `progress` events of a job.
    public var progressInterval: Duration = .milliseconds(500)
    /// The global cap on pages in flight across all jobs.
    public var maxPagesInFlight = 64
    /// `--max-running-jobs`: jobs running at once; past it `job.submit` answers
    /// `busy` (with Redis, jobs wait in the cluster's queue instead). A busy
    /// answer rather than a local queue: a queue would be one more thing a
    /// client could grow without bound.
    public var maxRunningJobs = 64
    /// `--jobs-keep`: finished jobs remembered for `job.status`/`job.results`; the oldest are forgotten first.
    public var keepFinishedJobs = 1000
    /// `--jobs-keep-age`: how long a finished job is remembered after its end.
    public var keepFinishedFor: Duration = .seconds(86_400)
    /// `--max-crawl-delay`: the longest robots.txt `Crawl-delay` a job honours;
    /// a site asking for more gets this. A minute by default, so a site cannot
    /// park a job for days, while any ordinary crawl-delay (1-30 s) holds.
    public var maxCrawlDelay: Duration = .seconds(60)
    /// `--max-frontier`: the most URLs any job keeps queued, whatever its
    /// `max_pages`; links found past it are dropped and counted (`links_dropped`).
    public var maxFrontier = Frontier.defaultMaxQueued
    /// URLs a job queues beyond what it can still crawl, for pages robots.txt
    /// then refuses (they give their slot back). Links past it are dropped and counted.
    public var frontierMargin = Frontier.defaultMargin

    public init() {}
}

/// What every job of a daemon shares: the page source, the checkpoint store,
/// the policies, and the adaptive politeness (so that two jobs on one host,
/// and the `crawl` requests to it, are polite together).
public struct JobEnvironment: Sendable {
    public var configuration: JobConfiguration
    public var fetcher: any PageFetcher
    public var store: any JobCheckpointStore
    public var retry: RetryPolicy
    public var throttle: HostThrottle
    /// Identities and their blocks, shared by every job.
    public var identities: IdentityBook
    public var pageSlots: PageSlots
    /// Where robots.txt rules and link patterns are matched, off the cooperative pool.
    public var matching: MatchingThread
    public var logger: Logger
    /// The Redis that `output.redis_stream` sinks append to; nil with `--redis none`.
    public var redis: RedisConnection?
    /// Where jobs' webhook events go; nil when the daemon delivers none.
    public var webhooks: WebhookDispatcher?

    public init(
        configuration: JobConfiguration, fetcher: any PageFetcher, store: any JobCheckpointStore,
        throttle: HostThrottle, identities: IdentityBook = IdentityBook(policy: .none), retry: @escaping RetryPolicy, logger: Logger
    ) {
        self.identities = identities
        self.configuration = configuration
        self.fetcher = fetcher
        self.store = store
        self.throttle = throttle
        self.retry = retry
        self.pageSlots = PageSlots(limit: configuration.maxPagesInFlight)
        self.matching = MatchingThread()
        self.logger = logger
    }
}
