import FoundationEssentials
import Logging
import Scripting
import Synchronization

/// This instance's part in one cluster job: `spec.concurrency` workers that
/// claim pages from the job's Redis frontier, fetch them, and append each
/// record to this instance's own part file (`<output>/<instance>.jsonl`).
///
/// Exactly once: a record is appended first and counts only when `complete`
/// then commits it (the page still this instance's, the part's committed
/// length where the record starts); otherwise it is cut off again. Commits of
/// one part are serialized, so a record cut off never has one after it; the
/// records that end while one commit is in flight go together in the next. A
/// crash between append and commit leaves bytes past the committed length,
/// which the next start cuts off (`JSONLWriter.resume`) and `job.results`
/// never reads (it reads the commit log).
actor ClusterWorker {
    let frontier: ClusterFrontier
    let spec: JobSpec
    let environment: JobEnvironment
    let waker: ClusterWaker
    private let fetcher: any PageFetcher
    private let robots: ClusterRobots
    private let retryPlanner: RetryPlanner
    let part: String
    let writer: JSONLWriter
    private var politeness: [String: Politeness] = [:]
    /// Links this instance has committed to the seen-set already, so a site's menu
    /// on every page is not hashed and sent again with each (up to `sentLimit`).
    /// Only a committed page's links enter: a withdrawn record's were never queued.
    var sent: Set<String> = []
    static let sentLimit = 200_000
    var committing = false
    /// Commits asked for so far: each one's id in `waiting`.
    var commits = 0
    /// Records written while a commit was in flight: the next commit takes them all.
    var waiting: [Waiting] = []
    var stopping = false
    /// The URLs of the pages this instance's workers hold (claimed, not yet ended): their count tells a claim
    /// whether this instance is starved, and a completion whose answer was lost hands back the pages pending here
    /// that none holds (its script may have claimed one for it).
    let held = Mutex<Set<String>>([])
    let logger: Logger
    /// How long a worker waits with nothing to claim before it asks again, should a wakeup be lost (Redis restarted).
    static let idleCheck: Duration = .seconds(2)

    /// Opens this instance's part file at its committed length (cutting off what a crash left past it).
    init(frontier: ClusterFrontier, spec: JobSpec, output: String, environment: JobEnvironment, waker: ClusterWaker) async throws {
        self.frontier = frontier
        self.spec = spec
        self.environment = environment
        self.waker = waker
        part = frontier.instance + ".jsonl"
        let committed = try await frontier.redis.command(["HGET", frontier.base + "parts", part]).integer ?? 0
        let path = try OutputPath(output + "/" + part, in: environment.configuration.outputDirectory)
        writer = try JSONLWriter.resume(at: path, offset: UInt64(committed), records: 0)
        fetcher = environment.fetcher.forJob()
        robots = ClusterRobots(frontier: frontier, environment: environment, waker: waker)
        retryPlanner = RetryPlanner(policy: environment.retry, maxRetries: spec.maxRetries, maxRetryAfter: environment.configuration.maxRetryAfter)
        var logger = environment.logger
        logger[metadataKey: "crawld.job"] = .string(frontier.job)
        self.logger = logger
    }

    /// Takes part until the job ends or the task is cancelled (a drain).
    /// Pages this instance left pending in an earlier life go back first; at a drain its pending pages go back at once.
    /// - Returns: the job's state as last seen (`completed`, `cancelled`, …) or nil when stopped by cancellation.
    func run() async -> String? {
        do {
            // Membership comes with the first claim (the claim script), so an ended job never gets it back.
            try await frontier.handBack(of: frontier.instance)
        } catch {
            logger.warning("cannot join the cluster job", metadata: ["crawld.error": .string("\(error)")])
            return nil
        }
        logger.info("taking part in a cluster job")
        let final = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<spec.concurrency { group.addTask { await self.workerLoop() } }
            var final: String?
            for await state in group where state != nil { final = state }
            return final
        }
        stopping = true
        writer.close()
        if final == nil {
            let handed = try? await frontier.handBack(of: frontier.instance)
            logger.info("left the cluster job", metadata: ["crawld.pages.handed_back": .stringConvertible(handed ?? 0)])
        }
        return final
    }

    /// Claims and crawls pages until the job stops. A page's completion claims the worker's next page in the same
    /// script (`ClusterFrontier.complete`); the worker claims on its own only when that gave none.
    private nonisolated func workerLoop() async -> String? {
        let wake = frontier.base + "wake"
        var next: ClusterFrontier.Claim?
        while !Task.isCancelled {
            if let claim = next {
                next = await process(claim)
                continue
            }
            let answer: ClusterFrontier.Next
            do {
                answer = try await frontier.claim(busy: held.withLock { $0.count })
            } catch {
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            switch answer {
            case .page(let claim):
                await waker.pass(wake)
                next = await process(claim)
            case .wait(let delay):
                await waker.wait(on: wake, upTo: min(delay ?? Self.idleCheck, Self.idleCheck))
            case .stopped("paused"):
                await waker.wait(on: wake, upTo: Self.idleCheck)
            case .stopped(let state):
                return state
            }
        }
        return nil
    }

    /// robots.txt, fetch, then the retry or the record. A cancelled task leaves the page pending: the drain hands it back.
    /// - Returns: the next page, claimed with this one's completion.
    private nonisolated func process(_ claim: ClusterFrontier.Claim) async -> ClusterFrontier.Claim? {
        held.withLock { _ = $0.insert(claim.url.string) }
        defer { held.withLock { _ = $0.remove(claim.url.string) } }
        do {
            if spec.obeyRobots {
                guard let rules = try await robots.rules(for: claim.url) else { return nil }
                guard await environment.matching.run(cost: rules.matchingCost(of: claim.url), { rules.allows(claim.url) }) else {
                    return await skip(claim)
                }
            }
            let pick = await environment.identities.pick(host: claim.url.host, origin: claim.origin, throttle: environment.throttle)
            if case .allBlocked = pick {
                // Never sent without an identity, as on one instance: the identities may be the only way out allowed.
                let blocked = PageOutcome(errorCode: "identity_blocked", errorMessage: "every identity in policies.lua is blocked by \(claim.url.host)")
                return await commit(claim, blocked, links: [])
            }
            try await environment.pageSlots.acquire()
            let outcome: PageOutcome
            do {
                outcome = try await fetcher.fetch(url: claim.url, depth: claim.depth, spec: spec, identity: pick.identity)
            } catch {
                outcome = PageOutcome(errorCode: "internal", errorMessage: "\(error)")
            }
            await environment.pageSlots.release()
            if Task.isCancelled { return nil }
            if let identity = pick.identity, await isBlock(outcome, claim, identity) {
                // Claimed again under the host's politeness, as another identity, without counting as a retry.
                _ = try await frontier.retry(claim, after: .zero, counting: false)
                return nil
            }
            if let wait = await retryPlanner.delay(after: outcome, attempt: claim.attempt) {
                _ = try await frontier.retry(claim, after: wait)
                return nil
            }
            let links = await followable(claim, outcome)
            return await commit(claim, outcome, links: links)
        } catch {
            logger.warning("page left pending", metadata: ["crawld.url": .string(claim.url.string), "crawld.error": .string("\(error)")])
            return nil
        }
    }

    /// Whether the site blocked `identity` (policies.lua's `blocked(page)`, else a 403); if so it is retired
    /// for the host on this instance, and the page goes again when another identity is left.
    private nonisolated func isBlock(_ outcome: PageOutcome, _ claim: ClusterFrontier.Claim, _ identity: CrawlIdentity) async -> Bool {
        let identities = environment.identities
        guard await identities.isBlock(outcome, url: claim.url.string, identity: identity) else { return false }
        await identities.block(identity.name, host: claim.url.host)
        logger.info("identity blocked", metadata: ["crawld.identity": .string(identity.name), "crawld.url": .string(claim.url.string)])
        return await identities.pick(host: claim.url.host, origin: claim.origin, throttle: environment.throttle, count: false).identity != nil
    }

    /// The page's links to queue. Only those whose text is not among the links sent already are parsed and
    /// matched against scope (on the matching thread unless they are few and the job's patterns short), as a one-instance job does with its seen-set: most links of
    /// a site are its navigation, and `sent` holds normal forms, which are their own normal form, so a link dropped
    /// here would have been dropped after parsing too.
    private nonisolated func followable(_ claim: ClusterFrontier.Claim, _ outcome: PageOutcome) async -> [ClusterFrontier.Link] {
        guard spec.followLinks, claim.depth < spec.maxDepth else { return [] }
        let spec = self.spec
        let fresh = await notSent(outcome.links)
        guard !fresh.isEmpty else { return [] }
        let cost = spec.admissionCost(ofBytes: fresh.reduce(0) { $0 + $1.utf8.count })
        let urls = await environment.matching.run(cost: cost) { fresh.compactMap { CrawlURL($0).flatMap { spec.admits($0) ? $0 : nil } } }
        return await unsent(urls, depth: claim.depth + 1)
    }

    private func notSent(_ links: [String]) -> [String] { links.filter { !sent.contains($0) } }

    /// The links not sent before, each with its host's politeness: policies.lua's
    /// `politeness(host)`, asked once per host per instance.
    private func unsent(_ urls: [CrawlURL], depth: Int) async -> [ClusterFrontier.Link] {
        var links: [ClusterFrontier.Link] = []
        for url in urls where !sent.contains(url.string) {
            let polite: Politeness
            if let known = politeness[url.host] {
                polite = known
            } else {
                polite = await environment.throttle.politeness(origin: url.origin, host: url.host)
                politeness[url.host] = polite
            }
            links.append(.init(url: url, depth: depth, delay: max(.milliseconds(spec.delayMs), polite.delay), maxConcurrency: polite.maxConcurrency))
        }
        return links
    }
}
