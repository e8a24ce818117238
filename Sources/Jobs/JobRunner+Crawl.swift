import FoundationEssentials
import JSON
import Logging

extension JobRunner {
    // MARK: - Workers

    /// One worker: takes pages until the frontier is done or the job stops.
    /// - Parameter previous: a recrawl's earlier output (`openPreviousOutput`); nil otherwise.
    func workerLoop(previous: PreviousOutput?) async {
        while let entry = await nextEntry() {
            await process(entry, earlier: previous)
        }
    }

    /// The next page to fetch, waiting while pages in flight may still add links.
    private func nextEntry() async -> Frontier.Entry? {
        while true {
            if stop != nil || Task.isCancelled { return nil }
            if let entry = frontier.next() {
                progress.currentURL = entry.url.string
                return entry
            }
            if frontier.isFinished {
                wakeWaiters()
                return nil
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    func wakeWaiters() {
        let woken = waiters
        waiters = []
        for waiter in woken { waiter.resume() }
    }

    /// robots.txt, politeness, fetch with retries, then the record. Runs off the
    /// actor except for the state changes, so fetches of one job overlap.
    /// - Parameter earlier: a recrawl's earlier output, where the page's earlier record is looked up.
    private nonisolated func process(_ entry: Frontier.Entry, earlier: PreviousOutput?) async {
        var crawlDelay = Duration.zero
        if spec.obeyRobots {
            // nil: the job stopped while robots.txt was being fetched; the page stays pending.
            guard let rules = await robots.rules(for: entry.url) else { return }
            guard await environment.matching.run(cost: rules.matchingCost(of: entry.url), { rules.allows(entry.url) }) else {
                await skip(entry)
                return
            }
            crawlDelay = min(rules.crawlDelay ?? .zero, environment.configuration.maxCrawlDelay)
        }
        let leastDelay = max(.milliseconds(spec.delayMs), crawlDelay)
        let previous = earlier?.record(for: entry.url.string)
        let origin = entry.url.origin
        let throttle = environment.throttle
        var attempt = 1
        while true {
            let pick = await environment.identities.pick(host: entry.url.host, origin: origin, throttle: throttle)
            if case .allBlocked = pick {
                // Never sent without an identity: the operator's identities may be the only way it may leave.
                let outcome = PageOutcome(errorCode: "identity_blocked", errorMessage: "every identity in policies.lua is blocked by \(entry.url.host)")
                await complete(entry, outcome, links: [])
                return
            }
            let identity = pick.identity
            // A cancelled wait leaves the page in flight: the job is stopping, and its checkpoint lists it as pending.
            do {
                try await throttle.acquire(origin: origin, host: entry.url.host, atLeast: leastDelay)
            } catch {
                return
            }
            do {
                try await environment.pageSlots.acquire()
            } catch {
                await throttle.abandon(origin: origin)
                return
            }
            let started = ContinuousClock.now
            var outcome = await fetchOnce(entry, as: identity, previous: previous)
            if spec.isRecrawl { outcome = outcome.judged(against: previous) }
            await environment.pageSlots.release()
            await throttle.release(origin: origin, latency: .now - started, status: outcome.status, retryAfter: outcome.retryAfter)
            if Task.isCancelled { return }
            if let identity, await environment.identities.isBlock(outcome, url: entry.url.string, identity: identity) {
                // Retired for this host; the page goes again as another identity, without counting as a retry.
                await environment.identities.block(identity.name, host: entry.url.host)
                environment.logger.info("identity blocked", metadata: ["crawld.identity": .string(identity.name), "crawld.url": .string(entry.url.string)])
                if await environment.identities.pick(host: entry.url.host, origin: origin, throttle: throttle, count: false).identity != nil { continue }
            }
            guard let wait = await retryPlanner.delay(after: outcome, attempt: attempt) else {
                await complete(entry, outcome, links: await followable(entry, outcome))
                return
            }
            await noteRetry(entry, outcome, attempt: attempt)
            do {
                try await Task.sleep(for: wait)
            } catch {
                return
            }
            attempt += 1
        }
    }

    /// The page's links the job follows: parsed and matched against scope and
    /// include/exclude a few links at a time, on the matching thread unless the
    /// few are cheap, so that a site's thousands of links or a client's long
    /// pattern lists hold neither the actor nor the cooperative pool that
    /// answers the protocol.
    ///
    /// Only the links not seen yet go there (`unseen`): most links of a site
    /// are its navigation, which names pages the job has already queued, and a
    /// recrawl's unchanged page brings back the very links of its first crawl.
    private nonisolated func followable(_ entry: Frontier.Entry, _ outcome: PageOutcome) async -> [CrawlURL] {
        guard spec.followLinks, entry.depth < spec.maxDepth else { return [] }
        let spec = self.spec
        var urls: [CrawlURL] = []
        var start = 0
        while start < outcome.links.count {
            let (links, end) = await unseen(outcome.links, from: start)
            start = end
            for first in stride(from: 0, to: links.count, by: 8) {
                let batch = Array(links[first..<min(first + 8, links.count)])
                let cost = spec.admissionCost(ofBytes: batch.reduce(0) { $0 + $1.utf8.count })
                urls += await environment.matching.run(cost: cost) {
                    batch.compactMap { link in CrawlURL(link).flatMap { spec.admits($0) ? $0 : nil } }
                }
            }
        }
        return urls
    }

    /// The links from `start` on whose text is not in the seen-set, and where
    /// the next call starts: one actor turn of hash lookups over at most 512
    /// links or 64 KiB of their text (a page of 700,000 links holds the actor
    /// for many short turns, not one long one), where parsing each link costs
    /// a matching thread turn per 8. Dropping a link found there changes
    /// nothing: the seen-set holds normal forms only (`CrawlURL.string`), the
    /// normal form of a normal form is itself, and `Frontier.add` refuses a
    /// URL seen. A link longer than `CrawlURL.maxBytes`, which no parse
    /// accepts, is dropped without hashing it.
    private func unseen(_ links: [String], from start: Int) -> (links: [String], end: Int) {
        var fresh: [String] = []
        var end = start
        var bytes = 0
        while end < links.count, end - start < 512, bytes < 64 << 10 {
            let link = links[end]
            end += 1
            let length = link.utf8.count
            guard length <= CrawlURL.maxBytes else { continue }
            bytes += length
            if !frontier.seen.contains(link) { fresh.append(link) }
        }
        return (fresh, end)
    }

    private nonisolated func fetchOnce(_ entry: Frontier.Entry, as identity: CrawlIdentity?, previous: PreviousRecord?) async -> PageOutcome {
        do {
            return try await fetcher.fetch(url: entry.url, depth: entry.depth, spec: spec, identity: identity, previous: previous)
        } catch {
            return PageOutcome(errorCode: "internal", errorMessage: "\(error)")
        }
    }

    // MARK: - State changes (one actor turn each)

    private func skip(_ entry: Frontier.Entry) {
        frontier.release(entry)
        progress.skipped += 1
        updateTotal()
        logger.debug("robots.txt disallows", metadata: ["crawld.url": .string(entry.url.string)])
        wakeWaiters()
    }

    private func noteRetry(_ entry: Frontier.Entry, _ outcome: PageOutcome, attempt: Int) {
        progress.errorCount += 1
        logger.debug(
            "retrying page",
            metadata: [
                "crawld.url": .string(entry.url.string), "crawld.attempt": .stringConvertible(attempt),
                "crawld.status": .string(outcome.status.map(String.init) ?? outcome.errorCode ?? "-"),
            ])
    }

    /// Writes the record, queues the links and counts the page, in one turn.
    private func complete(_ entry: Frontier.Entry, _ outcome: PageOutcome, links: [CrawlURL]) async {
        guard stop == nil || stop == .interrupt else { return }
        let record = PageRecord(url: entry.url.string, depth: entry.depth, outcome: outcome, fetchedAt: Date())
        let writes = !(spec.changesOnly && outcome.change == .unchanged)
        do {
            if writes { try writer.append(record.json) }
        } catch {
            stop = .fail(error.message)
            wakeWaiters()
            return
        }
        if let change = outcome.change { progress.changes[change.rawValue, default: 0] += 1 }
        frontier.complete(entry)
        if let final = outcome.finalURL.flatMap(CrawlURL.init) { frontier.markSeen(final) }
        let droppedBefore = frontier.dropped
        for url in links { frontier.add(url, depth: entry.depth + 1) }
        progress.urlsDropped += frontier.dropped - droppedBefore
        progress.crawled += 1
        progress.dataItems += record.dataItems
        if outcome.succeeded {
            progress.succeeded += 1
            progress.lastSuccessAt = record.fetchedAt
        } else {
            progress.failed += 1
            progress.errorCount += 1
        }
        updateTotal()
        pagesSinceCheckpoint += 1
        for watcher in watchers.values where watcher.pages && writes {
            watcher.continuation.yield(.page(job: id, record: record))
        }
        emitProgressIfDue()
        wakeWaiters()
        await notifyWebhookProgressIfDue()
        let configuration = environment.configuration
        if pagesSinceCheckpoint >= checkpointPages || ContinuousClock.now - lastCheckpoint >= configuration.checkpointInterval {
            await saveCheckpoint(state: .running)
        }
    }

    /// Pages between two checkpoints: `checkpointEveryPages`, or one for every
    /// `checkpointEntriesPerPage` URLs the checkpoint holds when that is more.
    ///
    /// A checkpoint writes the whole frontier (queue and seen-set), so at a fixed
    /// 100 pages its cost per page grew with the crawl: at 40,000 queued URLs it
    /// was a third of a job page's CPU. Stretched this way a page pays for at
    /// most 50 entries of checkpoint whatever the crawl's size; what a crash
    /// costs is re-crawling the pages since the last one, still bounded by
    /// `checkpointInterval` in time.
    private var checkpointPages: Int {
        let entries = frontier.queuedCount + frontier.inFlightCount + frontier.seen.count
        return max(environment.configuration.checkpointEveryPages, entries / Self.checkpointEntriesPerPage)
    }

    /// How many checkpoint entries (queued, in-flight and seen URLs) one page between checkpoints pays for.
    static let checkpointEntriesPerPage = 50

    private func updateTotal() {
        progress.total = min(spec.maxPages, frontier.completed + frontier.inFlightCount + frontier.queuedCount)
    }

    private func emitProgressIfDue() {
        let now = ContinuousClock.now
        if let last = lastProgressEvent, now - last < environment.configuration.progressInterval { return }
        lastProgressEvent = now
        let snapshot = status()
        for watcher in watchers.values { watcher.continuation.yield(.progress(snapshot)) }
    }

    // MARK: - Checkpoints

    /// Flushes the output and saves the frontier and counters as of this turn.
    ///
    /// The snapshot is taken before the first `await`, so pages completing while
    /// the output is flushed and the store writes belong to the next checkpoint. Periodic saves never
    /// overlap (one in progress makes the next one wait for a later page); the
    /// final save runs after every worker has stopped.
    /// The job as of this turn; a finished job keeps no frontier.
    func checkpoint(state: JobState) -> JobCheckpoint {
        var counters = status()
        counters.state = state
        let finished = state.isFinal
        return JobCheckpoint(
            job: id, state: state, parameters: spec.parameters, output: output.relative, outputOffset: writer.offset,
            records: writer.records, pending: finished ? [] : frontier.pending, seen: finished ? SeenSet() : frontier.seen,
            completed: frontier.completed, progress: counters, savedAt: Date())
    }

    func saveCheckpoint(state: JobState) async {
        guard state != .running || !checkpointSaving else { return }
        let checkpoint = checkpoint(state: state)
        pagesSinceCheckpoint = 0
        lastCheckpoint = .now
        checkpointSaving = true
        defer { checkpointSaving = false }
        do {
            // Off the actor: the workers go on appending while the disk catches up, past the
            // offset this checkpoint holds, which the flush covers as it covers all before it.
            try await DiskThread.run(writer.flush())
        } catch {
            logger.warning("output sync failed", metadata: ["crawld.error": .string(error.message)])
            return
        }
        do {
            try await environment.store.save(checkpoint)
            if let sink { await publish(to: sink, length: checkpoint.outputOffset) }
        } catch let error as JobError where error.code == .movedAway {
            // Presumed dead and claimed: the other instance resumes from the last
            // checkpoint, so this one stops without writing another page.
            logger.warning("job taken over by another instance; stopping", metadata: ["crawld.error": .string(error.message)])
            stop = .movedAway
            work?.cancel()
            wakeWaiters()
        } catch {
            // The output keeps growing past the last stored checkpoint; a resume
            // cuts it back to that one, so no page is lost or written twice.
            logger.warning("checkpoint failed; retrying at the next one", metadata: ["crawld.error": .string("\(error)")])
        }
    }
}
