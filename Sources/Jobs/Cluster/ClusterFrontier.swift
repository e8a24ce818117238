import FoundationEssentials
import JSON
import Redis

/// One cluster job's frontier, seen-set and politeness, kept in Redis and
/// shared by every instance that takes part (`ClusterScripts` holds the rules).
///
/// A page is claimed by one instance (`claim`), stays pending for it, and
/// leaves only with its record (`complete`), its retry (`retry`) or a hand-back
/// (`handBack`: a drain, a restart, or its heartbeat expired). So a page in
/// flight on an instance that dies is crawled again by another, and a page
/// that failed goes back to Redis for `retry()`'s delay rather than being lost.
public struct ClusterFrontier: Sendable {
    /// A page this instance has claimed.
    public struct Claim: Sendable, Equatable {
        public let origin: String
        public let url: CrawlURL
        public let depth: Int
        public let attempt: Int

        var entry: String { "\(depth)|\(attempt)|\(url.string)" }
    }

    /// What `claim` found.
    public enum Next: Sendable, Equatable {
        case page(Claim)
        /// Nothing ready: wait this long (nil: until something changes), then claim again.
        case wait(Duration?)
        /// The job is not running: `paused`, `completed`, `cancelled` (or `gone`).
        case stopped(String)
    }

    /// Whether a completion counted.
    public enum Commit: String, Sendable {
        case ok
        /// The page was handed back meanwhile (this instance was presumed dead): the record must go.
        case lost
        /// The part file's committed length is not where this record starts: the record must go.
        case torn
    }

    /// A link to queue, with the politeness of its origin.
    public struct Link: Sendable {
        public let url: CrawlURL
        public let depth: Int
        public let delay: Duration
        public let maxConcurrency: Int
    }

    let redis: RedisConnection
    public let job: String
    public let instance: String
    let base: String
    let registry: String
    let hasher: (SipHash, SipHash)

    static let scripts = (
        add: ClusterScript(ClusterScripts.add), claim: ClusterScript(ClusterScripts.claim),
        complete: ClusterScript(ClusterScripts.complete), retry: ClusterScript(ClusterScripts.retry),
        handBack: ClusterScript(ClusterScripts.handBack), control: ClusterScript(ClusterScripts.control),
        storeRobots: ClusterScript(ClusterScripts.storeRobots)
    )

    init(redis: RedisConnection, keyPrefix: String, job: String, instance: String, hashKey: [UInt64]) {
        self.redis = redis
        self.job = job
        self.instance = instance
        base = "\(keyPrefix):cj:{\(job)}:"
        registry = "\(keyPrefix):cjobs"
        hasher = (SipHash(k0: hashKey[0], k1: hashKey[1]), SipHash(k0: hashKey[2], k1: hashKey[3]))
    }

    var meta: String { base + "meta" }

    /// The 128-bit keyed hash of a URL's normal form, as 32 hex digits.
    func hash(_ url: CrawlURL) -> String {
        Self.hex(hasher.0.hash(url.string)) + Self.hex(hasher.1.hash(url.string))
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // MARK: - Pages

    /// Queues the URLs not seen yet. - Returns: how many were new.
    @discardableResult
    func add(_ links: [Link]) async throws -> Int {
        let reply = try await Self.scripts.add.run(redis, keys: [base], arguments: [registry, job] + arguments(links))
        return Int(reply.integer ?? 0)
    }

    /// The next page for this instance, or why there is none.
    /// - Parameter busy: how many pages this instance has in flight; with none, a claim that finds no page marks
    ///   it starved, and completions elsewhere leave the slots they free to a race it may win.
    public func claim(busy: Int = 0) async throws -> Next {
        let reply = try await Self.scripts.claim.run(redis, keys: [base], arguments: [registry, job, instance, String(busy)])
        let parts = reply.array ?? []
        switch parts.first?.string {
        case "page"?:
            guard parts.count == 3, let origin = parts[1].string, let entry = parts[2].string, let claim = Self.claim(origin, entry) else {
                throw malformedEntry
            }
            return .page(claim)
        case "wait"?:
            let ms = parts.count > 1 ? parts[1].integer ?? -1 : -1
            return .wait(ms < 0 ? nil : .milliseconds(ms))
        case let state?:
            return .stopped(state)
        case nil:
            return .stopped("gone")
        }
    }

    /// A page's end, as `complete` commits it: its record at `start..<end` of the part (`outcome` `ok` or `failed`;
    /// `skipped` for a page robots.txt refused, which has none), and the links it found.
    struct Completion: Sendable {
        let claim: Claim
        let start: UInt64
        let end: UInt64
        let outcome: String
        let dataItems: Int
        let errors: Int
        let links: [Link]
        /// The record, for the `output.redis_stream` sink; empty without one.
        let line: String
    }

    /// Commits the pages' records of `part`, in order, with their links, in one script; with `claimNext`, claims
    /// as many next pages for this instance in it (fewer when fewer are ready; none while another instance is
    /// starved, which should get a chance at the slots these pages free).
    /// - Returns: a verdict for each page looked at: all of them, or up to the first that did not count (the
    ///   ones after it start at the wrong place now, and must be written and sent again); the pages claimed.
    func complete(_ pages: [Completion], part: String, stream: StreamSinkSpec?, claimNext: Bool) async throws -> (commits: [Commit], next: [Claim]) {
        var arguments = [registry, job, instance, part, stream?.stream ?? "", String(stream?.maxLength ?? 0), claimNext ? "1" : "0"]
        for page in pages {
            arguments += [
                page.claim.origin, page.claim.url.string, String(page.start), String(page.end), page.outcome, String(page.dataItems),
                String(page.errors), stream == nil ? "" : page.line, String(page.links.count),
            ]
            arguments += self.arguments(page.links)
        }
        let parts = try await Self.scripts.complete.run(redis, keys: [base], arguments: arguments).array ?? []
        let count = Int(parts.first?.integer ?? 0)
        guard count >= 1, parts.count >= 1 + count, (parts.count - 1 - count) % 2 == 0 else { return ([.lost], []) }
        let commits = parts[1...count].map { Commit(rawValue: $0.string ?? "") ?? .lost }
        var next: [Claim] = []
        for index in stride(from: 1 + count, to: parts.count, by: 2) {
            guard let origin = parts[index].string, let entry = parts[index + 1].string, let claim = Self.claim(origin, entry) else {
                throw malformedEntry
            }
            next.append(claim)
        }
        return (commits, next)
    }

    /// Hands a failed page back for another attempt after `wait`, claimable by any instance.
    /// - Parameter counting: false for a page to send again as another identity, which is no retry.
    func retry(_ claim: Claim, after wait: Duration, counting: Bool = true) async throws -> Commit {
        let next = Claim(origin: claim.origin, url: claim.url, depth: claim.depth, attempt: claim.attempt + (counting ? 1 : 0))
        let ms = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        let reply = try await Self.scripts.retry.run(
            redis, keys: [base], arguments: [registry, job, instance, claim.origin, claim.url.string, next.entry, String(ms)])
        return Commit(rawValue: reply.string ?? "") ?? .lost
    }

    /// Puts the pages pending on `owner` back in the queues: `urls` only, or every one (and `owner` leaves the job's
    /// members). - Returns: how many.
    @discardableResult
    func handBack(of owner: String, urls: [String] = []) async throws -> Int {
        Int(try await Self.scripts.handBack.run(redis, keys: [base], arguments: [registry, job, owner] + urls).integer ?? 0)
    }

    /// Sets the job's state (`paused`, `running`, `cancelled`). - Returns: the state afterwards.
    func control(_ state: String) async throws -> String {
        try await Self.scripts.control.run(redis, keys: [base], arguments: [registry, job, state]).string ?? "gone"
    }

    private func arguments(_ links: [Link]) -> [String] {
        var arguments: [String] = []
        arguments.reserveCapacity(links.count * 5)
        for link in links {
            let ms = link.delay.components.seconds * 1000 + link.delay.components.attoseconds / 1_000_000_000_000_000
            arguments += [link.url.origin, hash(link.url), "\(link.depth)|1|\(link.url.string)", String(ms), String(link.maxConcurrency)]
        }
        return arguments
    }

    private var malformedEntry: JobError { JobError(.checkpoint, "job \(job): a queued entry is not 'depth|attempt|url'") }

    private static func claim(_ origin: String, _ entry: String) -> Claim? {
        let fields = entry.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, let depth = Int(fields[0]), let attempt = Int(fields[1]), let url = CrawlURL(String(fields[2])) else { return nil }
        return Claim(origin: origin, url: url, depth: depth, attempt: attempt)
    }
}
