import FoundationEssentials
import JSON
import Logging

/// Commits, one at a time per part, each taking every record that ended while the one before was in flight.
extension ClusterWorker {
    /// A page's record waiting for the commit in flight, and its worker, who gets its next page from the commit.
    struct Waiting {
        let id: Int
        let claim: ClusterFrontier.Claim
        let record: PageRecord
        let succeeded: Bool
        let links: [ClusterFrontier.Link]
        let worker: CheckedContinuation<Turn, Never>?
    }

    /// What a waiting worker is woken with: its next page (its record is committed), or the lead of the next commit.
    enum Turn {
        case next(ClusterFrontier.Claim?)
        case lead
    }

    /// Writes the page's record and commits it, claiming the worker's next page in the same script. While a
    /// commit is in flight the record waits, and the next commit takes every waiting record in one script.
    /// Whoever leads a commit leads one only, then passes the lead to a worker still waiting, so its own next
    /// page starts as soon as its commit is answered (a page claimed is a request about to start: its host's
    /// delay runs from the claim).
    /// - Returns: the worker's next page, if one was ready.
    func commit(_ claim: ClusterFrontier.Claim, _ outcome: PageOutcome, links: [ClusterFrontier.Link]) async -> ClusterFrontier.Claim? {
        guard !stopping else { return nil }
        let record = PageRecord(url: claim.url.string, depth: claim.depth, outcome: outcome, fetchedAt: Date())
        let id = commits
        commits += 1
        if committing {
            let turn = await withCheckedContinuation {
                waiting.append(Waiting(id: id, claim: claim, record: record, succeeded: outcome.succeeded, links: links, worker: $0))
            }
            if case .next(let next) = turn { return next }
        } else {
            committing = true
            waiting.append(Waiting(id: id, claim: claim, record: record, succeeded: outcome.succeeded, links: links, worker: nil))
        }
        let batch = waiting
        waiting = []
        var own: ClusterFrontier.Claim?
        for (page, next) in zip(batch, await commit(batch)) {
            if page.id == id { own = next } else { page.worker?.resume(returning: .next(next)) }
        }
        if let first = waiting.first {
            first.worker?.resume(returning: .lead)
        } else {
            committing = false
        }
        return own
    }

    /// Appends the records and commits them, writing again and sending again the ones after a record that did
    /// not count (cut off with it). - Returns: each page's worker's next page.
    private func commit(_ batch: [Waiting]) async -> [ClusterFrontier.Claim?] {
        var nexts = [ClusterFrontier.Claim?](repeating: nil, count: batch.count)
        var index = 0
        while index < batch.count {
            var pages: [ClusterFrontier.Completion] = []
            for page in batch[index...] {
                let json = page.record.json
                let start = writer.offset
                do {
                    try writer.append(json)
                } catch {
                    logger.warning("record not written; the page stays pending", metadata: ["crawld.error": .string(error.message)])
                    break
                }
                pages.append(
                    .init(
                        claim: page.claim, start: start, end: writer.offset, outcome: page.succeeded ? "ok" : "failed",
                        dataItems: page.record.dataItems, errors: page.succeeded ? 0 : 1, links: page.links,
                        line: spec.stream == nil ? "" : json.encodedString()))
            }
            guard !pages.isEmpty else { break }
            var commits: [ClusterFrontier.Commit]
            do {
                let answer = try await frontier.complete(pages, part: part, stream: spec.stream, claimNext: true)
                commits = answer.commits
                for (offset, next) in answer.next.enumerated() where index + offset < batch.count { nexts[index + offset] = next }
            } catch {
                // The answer was lost, not necessarily the commit: the part's committed length says how far it went.
                let committed = try? await frontier.redis.command(["HGET", frontier.base + "parts", part]).integer
                commits = pages.map { page in committed.map { UInt64($0) >= page.end } == true ? .ok : .lost }
                await handBackUnheld(besides: pages.map(\.claim.url.string))
            }
            for (offset, verdict) in commits.enumerated() {
                let page = batch[index + offset]
                if verdict == .ok {
                    for link in page.links where sent.count < Self.sentLimit { sent.insert(link.url.string) }
                } else {
                    // This record and the batch's after it, which go again.
                    writer.rewind(to: pages[offset].start, dropping: pages.count - offset)
                    logger.notice("record withdrawn: the page is no longer this instance's", metadata: ["crawld.url": .string(page.claim.url.string)])
                    break
                }
            }
            index += max(commits.count, 1)
        }
        return nexts
    }

    /// Ends a page robots.txt refused (no record), claiming the worker's next page in the same script.
    nonisolated func skip(_ claim: ClusterFrontier.Claim) async -> ClusterFrontier.Claim? {
        do {
            let page = ClusterFrontier.Completion(claim: claim, start: 0, end: 0, outcome: "skipped", dataItems: 0, errors: 0, links: [], line: "")
            return try await frontier.complete([page], part: "", stream: nil, claimNext: true).next.first
        } catch {
            logger.warning("page left pending", metadata: ["crawld.url": .string(claim.url.string), "crawld.error": .string("\(error)")])
            await handBackUnheld(besides: [claim.url.string])
            return nil
        }
    }

    /// After a completion whose answer was lost: the pages pending on this instance that no worker holds (the
    /// ones the script may have claimed for the workers, and `urls` themselves if it never ran) go back, rather
    /// than wait for this instance's drain. A page another worker's claim took just now may go back too; its
    /// record is then refused (`lost`), so it is still crawled once.
    private nonisolated func handBackUnheld(besides urls: [String]) async {
        guard let pending = try? await frontier.redis.command(["HKEYS", frontier.base + "pending:" + frontier.instance]).array else { return }
        let held = held.withLock { $0 }.subtracting(urls)
        let unheld = pending.compactMap(\.string).filter { !held.contains($0) }
        guard !unheld.isEmpty else { return }
        let handed = try? await frontier.handBack(of: frontier.instance, urls: unheld)
        logger.notice("pages no worker holds handed back", metadata: ["crawld.pages.handed_back": .stringConvertible(handed ?? 0)])
    }
}
