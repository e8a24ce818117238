import Sitemaps

extension JobRunner {
    // MARK: - Sitemaps

    /// Index levels followed below a first sitemap. sitemaps.org forbids an
    /// index of indexes, but sites nest them anyway; two levels read those
    /// and stop a site that links indexes to each other without end.
    static let maxIndexDepth = 2
    /// Sitemap files one job reads at most, indexes included (each up to 50 MB).
    static let maxSitemapFiles = 1_000

    /// Reads the job's sitemaps and queues their page URLs at depth 0, before
    /// the workers start.
    ///
    /// Each sitemap is fetched like a page: robots.txt of its origin, the
    /// host's politeness and the global page cap apply. Page URLs then pass
    /// the job's scope and include/exclude and `max_pages` (the frontier's
    /// bounds), and `since` against their `lastmod` (entries without one, or
    /// with one that is not a W3C datetime, are kept: nothing says they are
    /// old). An index's sitemaps must be on the index's own origin (the
    /// protocol's rule) and are skipped when their `lastmod` is before
    /// `since`. Reading stops once the frontier holds `max_pages` URLs.
    /// A job interrupted here reads its sitemaps again when resumed (the
    /// seen-set keeps URLs from being queued twice).
    func readSitemaps() async {
        guard spec.sitemaps != .none, progress.sitemaps?.done != true else { return }
        progress.sitemaps = SitemapProgress()
        progress.stage = "sitemaps"
        var pending: [(url: CrawlURL, level: Int, guessed: Bool)] = []
        switch spec.sitemaps {
        case .none: return
        case .urls(let urls): pending = urls.map { ($0, 0, false) }
        case .discover: pending = await discoveredSitemaps()
        }
        var visited: Set<String> = []
        var files = 0
        while !pending.isEmpty, stop == nil, !Task.isCancelled, wantsMoreURLs {
            let (url, level, guessed) = pending.removeFirst()
            guard visited.insert(url.string).inserted else { continue }
            guard files < Self.maxSitemapFiles else {
                progress.sitemaps?.count("sitemap_too_many_files")
                break
            }
            files += 1
            guard let body = await sitemapBody(url, guessed: guessed) else { continue }
            let document = await environment.matching.run { SitemapParser.parse(body) }
            progress.sitemaps?.files += 1
            if let problem = document.problem { progress.sitemaps?.count(problem.rawValue) }
            switch document.kind {
            case .index?:
                guard level < Self.maxIndexDepth else {
                    progress.sitemaps?.count("sitemap_too_deep")
                    continue
                }
                let origin = url.origin
                let (children, refused) = await admitted(document.entries) { $0.origin == origin }
                if refused > 0 { progress.sitemaps?.errors["sitemap_other_origin", default: 0] += refused }
                pending += children.map { ($0, level + 1, false) }
            case .urlset?:
                let spec = self.spec
                queueSitemapPages(await admitted(document.entries) { spec.admits($0) }.urls)
            case nil:
                if document.problem == nil { progress.sitemaps?.count(SitemapProblem.notSitemap.rawValue) }
            }
        }
        progress.sitemaps?.done = stop == nil && !Task.isCancelled
        progress.stage = "crawling"
    }

    /// Whether the frontier can still use URLs: fewer than `max_pages` done, in flight and queued.
    private var wantsMoreURLs: Bool {
        frontier.completed + frontier.inFlightCount + frontier.queuedCount < spec.maxPages
    }

    private func queueSitemapPages(_ urls: [CrawlURL]) {
        let droppedBefore = frontier.dropped
        for url in urls {
            if frontier.add(url, depth: 0) { progress.sitemaps?.urls += 1 }
        }
        progress.urlsDropped += frontier.dropped - droppedBefore
        progress.total = min(spec.maxPages, frontier.completed + frontier.inFlightCount + frontier.queuedCount)
    }

    /// Each seed origin's robots.txt `Sitemap:` lines, then its `/sitemap.xml`
    /// (marked as guessed: a 404 there is no fault).
    private func discoveredSitemaps() async -> [(url: CrawlURL, level: Int, guessed: Bool)] {
        var found: [(url: CrawlURL, level: Int, guessed: Bool)] = []
        var origins: Set<String> = []
        for seed in spec.seeds where origins.insert(seed.origin).inserted {
            guard let rules = await robots.rules(for: seed) else { return found }
            found += rules.sitemaps.compactMap(CrawlURL.init).map { ($0, 0, false) }
            if let guess = CrawlURL(seed.origin + "/sitemap.xml") { found.append((guess, 0, true)) }
        }
        return found
    }

    /// The entries whose `loc` is a URL that `accepts` and whose `lastmod`
    /// is not before `since`, worked out on the matching thread; `refused`
    /// counts the URLs `accepts` turned down.
    private func admitted(
        _ entries: [SitemapDocument.Entry], _ accepts: @escaping @Sendable (CrawlURL) -> Bool
    ) async -> (urls: [CrawlURL], refused: Int) {
        let since = spec.since
        let (urls, older, refused) = await environment.matching.run { () -> ([CrawlURL], Int, Int) in
            var older = 0
            var refused = 0
            let urls = entries.compactMap { entry -> CrawlURL? in
                if let since, let modified = entry.lastmod.flatMap(W3CDate.seconds), modified < since {
                    older += 1
                    return nil
                }
                guard let url = CrawlURL(entry.loc) else { return nil }
                guard accepts(url) else {
                    refused += 1
                    return nil
                }
                return url
            }
            return (urls, older, refused)
        }
        progress.sitemaps?.olderThanSince += older
        return (urls, refused)
    }

    /// One sitemap's body, fetched as a page would be (robots.txt, politeness,
    /// the global page cap); nil when refused, failed or the job stopped.
    private nonisolated func sitemapBody(_ url: CrawlURL, guessed: Bool) async -> [UInt8]? {
        var crawlDelay = Duration.zero
        if spec.obeyRobots {
            guard let rules = await robots.rules(for: url) else { return nil }
            guard await environment.matching.run({ rules.allows(url) }) else {
                await countSitemapFault("sitemap_disallowed")
                return nil
            }
            crawlDelay = min(rules.crawlDelay ?? .zero, environment.configuration.maxCrawlDelay)
        }
        let throttle = environment.throttle
        do {
            try await throttle.acquire(origin: url.origin, host: url.host, atLeast: max(.milliseconds(spec.delayMs), crawlDelay))
        } catch {
            return nil
        }
        do {
            try await environment.pageSlots.acquire()
        } catch {
            await throttle.abandon(origin: url.origin)
            return nil
        }
        let started = ContinuousClock.now
        let response = await fetcher.fetchFile(url: url)
        await environment.pageSlots.release()
        var status: Int?
        if case .response(let code, _) = response { status = code }
        await throttle.release(origin: url.origin, latency: .now - started, status: status, retryAfter: nil)
        switch response {
        case .response(let code, let body) where (200..<300).contains(code):
            return body
        case .response(404, _) where guessed, .response(410, _) where guessed:
            return nil
        default:
            await countSitemapFault("sitemap_fetch_failed")
            return nil
        }
    }

    private func countSitemapFault(_ code: String) {
        progress.sitemaps?.count(code)
    }
}
