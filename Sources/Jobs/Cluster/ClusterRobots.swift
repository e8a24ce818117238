import Redis

/// robots.txt of a cluster job: fetched once per origin for the whole job,
/// whichever instance first needs it, and shared through Redis.
///
/// The first instance to take `robotslock:<origin>` (`SET NX`, expiring after
/// `lockTime` should it die meanwhile) fetches and stores the answer at
/// `robots:<origin>`; the others wait on the job's wake stream for it. An
/// unreachable robots.txt (5xx, no answer) disallows the origin and is kept
/// only for `unreachableRetry` (a key that expires), as in `RobotsCache`.
/// A site's `Crawl-delay` raises the origin's delay in Redis, so it holds for
/// every instance.
actor ClusterRobots {
    private let frontier: ClusterFrontier
    private let fetcher: any PageFetcher
    private let matching: MatchingThread
    private let waker: ClusterWaker
    private let userAgent: String
    private let unreachableRetry: Duration
    private let maxCrawlDelay: Duration
    private var known: [String: RobotsRules] = [:]
    static let lockTime = 30_000

    init(frontier: ClusterFrontier, environment: JobEnvironment, waker: ClusterWaker) {
        self.frontier = frontier
        fetcher = environment.fetcher
        matching = environment.matching
        self.waker = waker
        userAgent = environment.configuration.userAgent
        unreachableRetry = environment.configuration.robotsUnreachableRetry
        maxCrawlDelay = environment.configuration.maxCrawlDelay
    }

    /// The rules for `url`'s origin; nil when the task was cancelled while waiting.
    func rules(for url: CrawlURL) async throws -> RobotsRules? {
        let origin = url.origin
        if let rules = known[origin] { return rules }
        let redis = frontier.redis
        let key = frontier.base + "robots:" + origin
        let wake = frontier.base + "wake"
        while !Task.isCancelled {
            let generation = await waker.generation(of: wake)
            if let rules = try await stored(origin, key: key) { return rules }
            let lock = frontier.base + "robotslock:" + origin
            if try await redis.command(["SET", lock, frontier.instance, "NX", "PX", String(Self.lockTime)]).string == "OK" {
                // Stored between the read above and the lock: the fetch is done already.
                if let rules = try await stored(origin, key: key) { return rules }
                guard let rules = try await fetch(origin, lock: lock) else { break }
                return rules
            }
            await waker.waitForEntry(on: wake, after: generation, upTo: .seconds(1))
        }
        return nil
    }

    private func stored(_ origin: String, key: String) async throws -> RobotsRules? {
        guard let text = try await frontier.redis.command(["GET", key]).string else { return nil }
        let response = Self.decode(text)
        let rules = await matching.run { [userAgent] in RobotsCache.rules(from: response, userAgent: userAgent) }
        if !RobotsCache.isUnreachable(response) { known[origin] = rules }
        return rules
    }

    /// nil when the task was cancelled meanwhile: a fetch cut short by a drain is no verdict on the site.
    /// The answer, the origin's raised delay, the lock's release and the wakeup go in one script, which
    /// writes nothing once the job has ended (its keys are gone and must not come back).
    private func fetch(_ origin: String, lock: String) async throws -> RobotsRules? {
        let response = await fetcher.fetchRobots(origin: origin)
        let redis = frontier.redis
        if Task.isCancelled {
            _ = try await redis.command(["DEL", lock])
            return nil
        }
        let rules = await matching.run { [userAgent] in RobotsCache.rules(from: response, userAgent: userAgent) }
        let unreachable = RobotsCache.isUnreachable(response)
        if !unreachable { known[origin] = rules }
        let keptMs = unreachable ? unreachableRetry.components.seconds * 1000 + 1 : 0
        let delayMs = rules.crawlDelay.map { min($0, maxCrawlDelay).components.seconds * 1000 } ?? -1
        _ = try await ClusterFrontier.scripts.storeRobots.run(
            redis, keys: [frontier.base], arguments: [frontier.registry, frontier.job, origin, Self.encode(response), String(keptMs), String(delayMs)])
        return rules
    }

    /// `status\nbody`, or `-` for no answer.
    private static func encode(_ response: RobotsResponse) -> String {
        switch response {
        case .response(let status, let body): return "\(status)\n\(body)"
        case .unreachable: return "-"
        }
    }

    private static func decode(_ text: String) -> RobotsResponse {
        guard let newline = text.firstIndex(of: "\n"), let status = Int(text[..<newline]) else { return .unreachable }
        return .response(status: status, body: String(text[text.index(after: newline)...]))
    }
}
