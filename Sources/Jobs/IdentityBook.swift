import JSON

/// An identity a job's request goes as (Scripting's `IdentitySettings`, as Jobs sees it).
public struct CrawlIdentity: Sendable, Equatable {
    public var name: String
    /// Engine config keys the identity sets over the job's config (`proxy`, `user_agent`, `headers`).
    public var config: JSONObject
    /// The cookie jar it uses within a job.
    public var cookieJar: String

    public init(name: String, config: JSONObject, cookieJar: String) {
        self.name = name
        self.config = config
        self.cookieJar = cookieJar
    }
}

/// Which identity a request goes as.
public enum IdentityPick: Sendable, Equatable {
    /// policies.lua declares no identities: the request goes as its job's config.
    case noneDeclared
    case identity(CrawlIdentity)
    /// The host blocked every identity: the request is not sent.
    case allBlocked

    public var identity: CrawlIdentity? {
        if case .identity(let identity) = self { identity } else { nil }
    }
}

/// The daemon's bridge to policies.lua's identities.
public struct IdentityPolicy: Sendable {
    /// The identities the live policies declare, by name.
    public var identities: @Sendable () -> [String: CrawlIdentity]
    /// `identity_for(host, stats)`, stats with `identities` (the names still available); nil lets crawld pick.
    public var choose: @Sendable (_ host: String, _ stats: JSONObject) async -> String?
    /// `blocked(page)`; nil when policies.lua does not define it.
    public var blocked: @Sendable (_ page: JSONObject) async -> Bool?

    public init(
        identities: @escaping @Sendable () -> [String: CrawlIdentity], choose: @escaping @Sendable (String, JSONObject) async -> String?,
        blocked: @escaping @Sendable (JSONObject) async -> Bool?
    ) {
        self.identities = identities
        self.choose = choose
        self.blocked = blocked
    }

    /// No identities: every request goes as its job's config.
    public static let none = IdentityPolicy(identities: { [:] }, choose: { _, _ in nil }, blocked: { _ in nil })
}

/// Which identities each host has blocked, and how often each identity was
/// used and blocked, for the whole daemon (`monitor.identities`).
///
/// A block retires the identity for that host only, for `retireFor` (then
/// it is tried again: blocks are often lifted, and a host that blocked
/// every identity would otherwise never be crawled again). Keyed by host
/// name, so http and https of a site share their blocks. At most `maxHosts`
/// hosts are remembered; past it the oldest blocks go first.
public actor IdentityBook {
    private struct Counts {
        var uses = 0
        var blocks = 0
    }

    private let policy: IdentityPolicy
    private let retireFor: Duration
    private let maxHosts: Int
    private var retired: [String: [String: ContinuousClock.Instant]] = [:]
    private var counts: [String: Counts] = [:]

    public init(policy: IdentityPolicy, retireFor: Duration = .seconds(3600), maxHosts: Int = 10_000) {
        self.policy = policy
        self.retireFor = retireFor
        self.maxHosts = maxHosts
    }

    /// The names of the identities the live policies declare, sorted: what a cluster job records of its
    /// submitter's identities (names only: their settings, which may hold secrets, stay in policies.lua).
    public nonisolated var names: [String] { policy.identities().keys.sorted() }

    /// The identity the next request to `host` goes as: `identity_for`'s
    /// answer among those the host has not blocked, else the first of them
    /// by name. `identity_for` sees `origin`'s statistics from `throttle`.
    /// - Parameter count: whether the pick counts as a use (false to ask only whether one is left).
    public func pick(host: String, origin: String, throttle: HostThrottle, count: Bool = true) async -> IdentityPick {
        let identities = policy.identities()
        guard !identities.isEmpty else { return .noneDeclared }
        let available = identities.keys.filter { !isRetired($0, for: host) }.sorted()
        guard let first = available.first else { return .allBlocked }
        guard count else { return identities[first].map(IdentityPick.identity) ?? .allBlocked }
        var view = (await throttle.stats(origin: origin) ?? HostStats()).json
        view["identities"] = .array(available.map { .string($0) })
        let chosen = await policy.choose(host, view).flatMap { available.contains($0) ? $0 : nil } ?? first
        counts[chosen, default: Counts()].uses += 1
        return identities[chosen].map(IdentityPick.identity) ?? .allBlocked
    }

    /// Whether `outcome` says the site blocked the identity: `blocked(page)`
    /// when policies.lua defines it, else a 403.
    public func isBlock(_ outcome: PageOutcome, url: String, identity: CrawlIdentity) async -> Bool {
        var page: JSONObject = ["url": .string(url), "identity": .string(identity.name)]
        if let status = outcome.status { page["status"] = .int(Int64(status)) }
        if let title = outcome.title { page["title"] = .string(title) }
        if let data = outcome.data { page["data"] = data }
        return await policy.blocked(page) ?? (outcome.status == 403)
    }

    /// Retires `identity` for `host` and counts the block.
    public func block(_ identity: String, host: String) {
        counts[identity, default: Counts()].blocks += 1
        if retired[host] == nil, retired.count >= maxHosts, let oldest = retired.min(by: { ($0.value.values.max() ?? .now) < ($1.value.values.max() ?? .now) }) {
            retired[oldest.key] = nil
        }
        retired[host, default: [:]][identity] = .now
    }

    /// One row per declared identity: `name`, `proxy`, `uses`, `blocks`, `blocked_hosts` (hosts it is retired for now).
    public func rows() -> [JSONValue] {
        policy.identities().values.sorted { $0.name < $1.name }.map { identity in
            let count = counts[identity.name] ?? Counts()
            let hosts = retired.keys.filter { isRetired(identity.name, for: $0) }.count
            var row: JSONObject = [
                "name": .string(identity.name), "uses": .int(Int64(count.uses)), "blocks": .int(Int64(count.blocks)),
                "blocked_hosts": .int(Int64(hosts)),
            ]
            if let proxy = identity.config["proxy"] { row["proxy"] = proxy }
            return .object(row)
        }
    }

    private func isRetired(_ identity: String, for host: String) -> Bool {
        guard let since = retired[host]?[identity] else { return false }
        return ContinuousClock.now - since < retireFor
    }
}
