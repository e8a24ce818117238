import Pool

/// The values of policies.lua a generation read once at validation: the
/// `pool` table, and the results of probing its functions, which serve as
/// the first "last good" values when a call fails at run time.
public struct PolicySettings: Sendable, Equatable {
    /// `pool.promote_after`: uses before a cold engine turns hot (≥ 1).
    public var promoteAfter: Int
    /// `pool.memory_limit_percent`: refuse new engines at or above it (0 < x ≤ 100).
    public var memoryLimitPercent: Double
    /// `pool.idle_ttl_s`: how long an idle engine lives at low memory use.
    public var idleTTL: Duration
    /// `pool.retire`: per engine kind; a kind not listed never retires.
    public var retirement: [String: RetirementSettings]
    /// `proxies`: name -> `http://host:port` or `socks5://host:port`. An
    /// engine config's `proxy` names one of these (clients pick a name or
    /// none); no config can name a proxy URL of its own.
    public var proxies: [String: String]
    /// `identities`: name -> what requests sent as it carry. Empty: requests
    /// carry their job's config only, and nothing rotates.
    public var identities: [String: IdentitySettings] = [:]
    /// Whether policies.lua defines the optional `identity_for(host, stats)`
    /// and `blocked(page)`.
    public var choosesIdentity = false
    public var decidesBlocks = false

    /// `janitor(0)` at validation.
    public var janitor: JanitorSettings
    /// `engine_for("https://example.com/", {})` at validation.
    public var engine: EngineChoice
    /// `politeness("example.com", {})` at validation.
    public var politeness: Politeness
    /// `retry(1, 503, nil)` at validation.
    public var retryDelay: Duration?
    /// Whether policies.lua defines the optional `escalate(url, page)`; when
    /// it does not, crawld never gathers the page facts it would need.
    public var escalates: Bool
    /// `jobs.cluster`: whether a `job.submit` without `cluster` spreads over the cluster.
    public var clusterJobs = false
    /// `webhooks.private_hosts`: webhook hosts `--deny-private` lets through (the operator's own receivers).
    public var webhookPrivateHosts: Set<String> = []

    public init(
        promoteAfter: Int, memoryLimitPercent: Double, idleTTL: Duration, retirement: [String: RetirementSettings],
        janitor: JanitorSettings, engine: EngineChoice, politeness: Politeness, retryDelay: Duration?, escalates: Bool = false,
        proxies: [String: String] = [:]
    ) {
        self.promoteAfter = promoteAfter
        self.memoryLimitPercent = memoryLimitPercent
        self.idleTTL = idleTTL
        self.retirement = retirement
        self.janitor = janitor
        self.engine = engine
        self.politeness = politeness
        self.retryDelay = retryDelay
        self.escalates = escalates
        self.proxies = proxies
    }

    /// crawl4ai's server defaults, the same as the shipped policies.lua; used
    /// only before any script set has loaded.
    public static let defaults = PolicySettings(
        promoteAfter: 3,
        memoryLimitPercent: 95,
        idleTTL: .seconds(300),
        retirement: ["browser": RetirementSettings(afterUses: 500)],
        janitor: JanitorSettings(interval: .seconds(60), coldTTL: .seconds(300), hotTTL: .seconds(600)),
        engine: EngineChoice(engine: "http"),
        politeness: Politeness(delay: .milliseconds(1000), maxConcurrency: 2),
        retryDelay: .milliseconds(1000)
    )
}
