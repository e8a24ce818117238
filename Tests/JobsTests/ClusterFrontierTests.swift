import Foundation
import JSON
import Redis
import Testing
import TestSupport

@testable import Jobs

/// A cluster job's frontier scripts in a real redis-server, driven as two
/// instances `a` and `b` would: claims stay pending per instance, a hand-back
/// fences the former claimer off, politeness holds whichever instance claims,
/// retries go back to Redis, pause stops claims.
@Suite(.serialized) struct ClusterFrontierTests {
    let server: RedisServer
    let redis: RedisConnection
    let job = JobID.make()
    let key: [UInt64] = [1, 2, 3, 4]

    init() throws {
        server = try RedisServer()
        try server.start()
        redis = try RedisCheckpointStoreTests.connect(server)
    }

    func frontier(_ instance: String) -> ClusterFrontier {
        ClusterFrontier(redis: redis, keyPrefix: "crawld", job: job, instance: instance, hashKey: key)
    }

    /// A running job of `maxPages` with `urls` queued at `delay` and `maxConcurrency` per host.
    func start(_ urls: [String], maxPages: Int = 100, delay: Duration = .zero, maxConcurrency: Int = 4) async throws {
        _ = try await redis.command(["HSET", frontier("a").meta, "state", "running", "max_pages", String(maxPages)])
        let links = urls.map { ClusterFrontier.Link(url: CrawlURL($0)!, depth: 0, delay: delay, maxConcurrency: maxConcurrency) }
        try await frontier("a").add(links)
    }

    func page(_ next: ClusterFrontier.Next) throws -> ClusterFrontier.Claim {
        guard case .page(let claim) = next else { throw RedisError(.serverError, "expected a page, got \(next)") }
        return claim
    }

    @Test func aPageHandedBackIsCrawledByAnotherAndLostToItsFormerClaimer() async throws {
        try await start(["http://127.0.0.2/a.html", "http://127.0.0.2/a.html#again"])
        let claimed = try page(try await frontier("a").claim())
        #expect(try await frontier("b").claim() == .wait(nil), "the seen-set kept the second spelling out")
        #expect(try await frontier("b").handBack(of: "a") == 1)
        let reclaimed = try page(try await frontier("b").claim())
        #expect(reclaimed.url == claimed.url)
        let late = try await frontier("a").complete(claimed, part: "a.jsonl", start: 0, end: 10, outcome: "ok", dataItems: 0, errors: 0, links: [])
        #expect(late == .lost, "a's record must not count: the page is b's now")
        let done = try await frontier("b").complete(reclaimed, part: "b.jsonl", start: 0, end: 10, outcome: "ok", dataItems: 0, errors: 0, links: [])
        #expect(done == .ok)
        #expect(try await redis.command(["LRANGE", frontier("a").base + "log", "0", "-1"]) == .array([.string("b.jsonl|0|10")]))
        #expect(try await frontier("a").claim() == .stopped("completed"))
        #expect(try await redis.command(["KEYS", frontier("a").base + "seen:*"]) == .array([]), "the seen-set goes with the job's end")
        #expect(try await redis.command(["TTL", frontier("a").base + "log"]).integer ?? -1 > 0, "the records' log stays for a while")
    }

    @Test func aCommittedRecordGoesToTheStreamOnceInCommitOrder() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html"])
        _ = try await redis.command(["HSET", frontier("a").meta, "created", "1700000000000", "stream", "out"])
        let sink = StreamSinkSpec(stream: "out", maxLength: 100)
        let first = try page(try await frontier("a").claim())
        let second = try page(try await frontier("b").claim())
        let bDone = try await frontier("b").complete(
            second, part: "b.jsonl", start: 0, end: 8, outcome: "ok", dataItems: 0, errors: 0, links: [], stream: sink, line: "{\"n\":2}")
        #expect(bDone == .ok)
        let torn = try await frontier("a").complete(
            first, part: "a.jsonl", start: 5, end: 13, outcome: "ok", dataItems: 0, errors: 0, links: [], stream: sink, line: "{\"n\":9}")
        #expect(torn == .torn, "a record that does not count never reaches the stream")
        let aDone = try await frontier("a").complete(
            first, part: "a.jsonl", start: 0, end: 8, outcome: "ok", dataItems: 0, errors: 0, links: [], stream: sink, line: "{\"n\":1}")
        #expect(aDone == .ok)
        let entries = try await redis.command(["XRANGE", "out", "-", "+"]).array ?? []
        #expect(entries.map { $0.array?.first?.string } == ["1700000000000-1", "1700000000000-2"], "ids in commit order, from the shared log")
        #expect(entries.map { $0.array?.last?.array?.last?.string } == ["{\"n\":2}", "{\"n\":1}"])
        #expect(try await redis.command(["HGET", frontier("a").meta, "stream_published"]).integer == 2)
    }

    @Test func aRecordThatDoesNotStartAtTheCommittedLengthIsRefused() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html"])
        let first = try page(try await frontier("a").claim())
        let second = try page(try await frontier("a").claim())
        #expect(try await frontier("a").complete(first, part: "a.jsonl", start: 0, end: 10, outcome: "ok", dataItems: 0, errors: 0, links: []) == .ok)
        let torn = try await frontier("a").complete(second, part: "a.jsonl", start: 0, end: 10, outcome: "ok", dataItems: 0, errors: 0, links: [])
        #expect(torn == .torn)
        #expect(try await frontier("a").complete(second, part: "a.jsonl", start: 10, end: 20, outcome: "ok", dataItems: 0, errors: 0, links: []) == .ok)
    }

    @Test func politenessHoldsWhicheverInstanceClaims() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html", "http://127.0.0.3/1.html"], delay: .seconds(30), maxConcurrency: 1)
        let first = try page(try await frontier("a").claim())
        let other = try page(try await frontier("b").claim())
        #expect(first.origin != other.origin, "the next ready host, not the next page of a busy one")
        #expect(try await frontier("b").claim() == .wait(nil), "no host has a free slot: wait until one ends")
        _ = try await frontier("a").complete(first, part: "a.jsonl", start: 0, end: 1, outcome: "ok", dataItems: 0, errors: 0, links: [])
        guard case .wait(let after) = try await frontier("b").claim() else {
            Issue.record("a request to a host sooner than its delay after the last one ended")
            return
        }
        #expect(after.map { $0 > .seconds(25) } ?? false, "b waits out the host's delay: \(String(describing: after))")
    }

    func wakeups() async throws -> Int64 { try await redis.command(["XLEN", frontier("a").base + "wake"]).integer ?? 0 }

    func completeAndClaim(_ claim: ClusterFrontier.Claim, by instance: String, at start: UInt64) async throws -> ClusterFrontier.Claim? {
        let page = ClusterFrontier.Completion(claim: claim, start: start, end: start + 10, outcome: "ok", dataItems: 0, errors: 0, links: [], line: "")
        let (commits, next) = try await frontier(instance).complete([page], part: "\(instance).jsonl", stream: nil, claimNext: true)
        #expect(commits == [.ok])
        return next.first
    }

    /// One round trip a page: the completion claims the worker's next page, and with every queued host at its
    /// concurrency again it wakes nobody (a wakeup would only make each waiting worker claim nothing).
    @Test func aCompletionClaimsTheNextPageAndWakesNobodyWhenNoneIsLeft() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html"], maxConcurrency: 1)
        let first = try page(try await frontier("a").claim())
        let before = try await wakeups()
        let next = try await completeAndClaim(first, by: "a", at: 0)
        #expect(next?.url.string == "http://127.0.0.2/2.html", "the next page came with the completion")
        #expect(try await wakeups() == before, "no page left to claim, so no wakeup")
        #expect(try await redis.command(["HGET", frontier("a").base + "pending:a", "http://127.0.0.2/2.html"]).string != nil, "it is pending for a")
        #expect(try await frontier("b").claim() == .wait(nil))
    }

    /// A completion leaves the slot it frees to the wakeup's race while another instance has no page at all, so
    /// one instance cannot keep a host's only slot while another idles.
    @Test func aStarvedInstanceIsLeftTheSlotAndWoken() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html", "http://127.0.0.2/3.html"], maxConcurrency: 1)
        let first = try page(try await frontier("a").claim())
        #expect(try await frontier("b").claim(busy: 0) == .wait(nil), "b has nothing: it is starved")
        let before = try await wakeups()
        #expect(try await completeAndClaim(first, by: "a", at: 0) == nil, "the freed slot is left for b")
        #expect(try await wakeups() == before + 1, "b is woken")
        _ = try page(try await frontier("b").claim(busy: 0))
        #expect(try await redis.command(["HEXISTS", frontier("a").base + "starved", "b"]).integer == 0, "b has a page: no longer starved")
        #expect(try await frontier("a").claim(busy: 1) == .wait(nil), "an instance with pages in flight is not starved")
        #expect(try await redis.command(["HEXISTS", frontier("a").base + "starved", "a"]).integer == 0)
    }

    @Test func aPageClaimedWithACompletionKeepsItsHostsDelay() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html", "http://127.0.0.3/1.html"], delay: .seconds(30), maxConcurrency: 1)
        let first = try page(try await frontier("a").claim())
        let next = try await completeAndClaim(first, by: "a", at: 0)
        #expect(next != nil && next?.origin != first.origin, "the other host, not the one whose delay just began: \(String(describing: next))")
        guard case .wait(let after) = try await frontier("b").claim(busy: 1) else {
            Issue.record("a request to a host sooner than its delay after the last one ended")
            return
        }
        #expect(after.map { $0 > .seconds(25) } ?? false, "\(String(describing: after))")
    }

    @Test func namedPagesAreHandedBackAlone() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.3/1.html"])
        let first = try page(try await frontier("a").claim())
        let second = try page(try await frontier("a").claim())
        #expect(try await frontier("a").handBack(of: "a", urls: [first.url.string, "http://127.0.0.9/never.html"]) == 1)
        #expect(try await redis.command(["HKEYS", frontier("a").base + "pending:a"]) == .array([.string(second.url.string)]))
        #expect(try await redis.command(["HEXISTS", frontier("a").base + "members", "a"]).integer == 1, "a is still a member")
        #expect(try page(try await frontier("b").claim()).url == first.url)
    }

    /// The records of one part that ended while a commit was in flight go in one script, in order, with a next
    /// page for each; the first that does not count ends it, and the ones after it are sent again.
    @Test func recordsCommitTogetherInOrderUpToTheFirstThatDoesNotCount() async throws {
        try await start((1...4).map { "http://127.0.0.2/\($0).html" })
        let claimed = try await [frontier("a").claim(), frontier("a").claim(), frontier("a").claim()].map(page)
        #expect(try await frontier("b").handBack(of: "a", urls: [claimed[1].url.string]) == 1, "a's second page is taken away")
        let pages = claimed.enumerated().map { index, claim in
            ClusterFrontier.Completion(
                claim: claim, start: UInt64(index * 10), end: UInt64(index * 10 + 10), outcome: "ok", dataItems: 0, errors: 0, links: [], line: "")
        }
        let (commits, next) = try await frontier("a").complete(pages, part: "a.jsonl", stream: nil, claimNext: true)
        #expect(commits == [.ok, .lost], "the third is not looked at: it starts where the withdrawn second did")
        #expect(Set(next.map(\.url.string)) == [claimed[1].url.string, "http://127.0.0.2/4.html"], "a next page for each record looked at")
        let again = ClusterFrontier.Completion(claim: claimed[2], start: 10, end: 20, outcome: "ok", dataItems: 0, errors: 0, links: [], line: "")
        #expect(try await frontier("a").complete([again], part: "a.jsonl", stream: nil, claimNext: false).commits == [.ok])
        #expect(try await redis.command(["LRANGE", frontier("a").base + "log", "0", "-1"]) == .array([.string("a.jsonl|0|10"), .string("a.jsonl|10|20")]))
    }

    @Test func aFailedPageGoesBackToRedisForAnyInstance() async throws {
        try await start(["http://127.0.0.2/flaky.html"])
        let first = try page(try await frontier("a").claim())
        #expect(try await frontier("a").retry(first, after: .zero) == .ok)
        let again = try page(try await frontier("b").claim())
        #expect(again.url == first.url)
        #expect(again.attempt == 2)
    }

    @Test func aPausedJobGivesNoPageAndKeepsItsFrontier() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html"])
        #expect(try await frontier("a").control("paused") == "paused")
        #expect(try await frontier("b").claim() == .stopped("paused"))
        #expect(try await frontier("a").control("running") == "running")
        let first = try page(try await frontier("b").claim())
        let second = try page(try await frontier("b").claim())
        #expect(Set([first.url.string, second.url.string]) == ["http://127.0.0.2/1.html", "http://127.0.0.2/2.html"])
    }

    @Test func aCancelledJobGivesNoPageDropsItsFrontierAndTakesNoMoreLinks() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html"])
        let inFlight = try page(try await frontier("a").claim())
        #expect(try await frontier("b").control("cancelled") == "cancelled")
        #expect(try await frontier("b").claim() == .stopped("cancelled"))
        #expect(try await redis.command(["KEYS", frontier("a").base + "seen:*"]) == .array([]))
        let link = ClusterFrontier.Link(url: CrawlURL("http://127.0.0.2/3.html")!, depth: 1, delay: .zero, maxConcurrency: 4)
        let done = try await frontier("a").complete(inFlight, part: "a.jsonl", start: 0, end: 10, outcome: "ok", dataItems: 0, errors: 0, links: [link])
        #expect(done == .ok, "the page in flight still counts")
        #expect(try await redis.command(["LLEN", frontier("a").base + "q:http://127.0.0.2"]).integer == 0, "its links are not queued")
        #expect(try await frontier("a").control("running") == "cancelled", "a cancelled job stays cancelled")
        #expect(try await keysWithoutTTL() == [], "the late completion left no key that never expires")
    }

    /// The pages of a member that died are still pending at a cancel; a member still alive then completes one,
    /// retries another and drains. Every key of the job expires: the pending pages after a grace period.
    @Test func aCancelledJobLeavesNoKeyWithoutATTL() async throws {
        try await start((1...6).map { "http://127.0.0.\($0 % 2 + 2)/\($0).html" })
        let dead = try page(try await frontier("a").claim())
        let done = try page(try await frontier("b").claim())
        let failed = try page(try await frontier("b").claim())
        let held = try page(try await frontier("b").claim())
        #expect(Set([dead, done, failed, held].map(\.url)).count == 4)
        #expect(try await frontier("b").control("cancelled") == "cancelled")
        #expect(try await frontier("b").complete(done, part: "b.jsonl", start: 0, end: 10, outcome: "ok", dataItems: 0, errors: 0, links: []) == .ok)
        #expect(try await frontier("b").retry(failed, after: .zero) == .lost, "no retry for an ended job")
        #expect(try await frontier("b").handBack(of: "b") == 0, "an ended job's pages are dropped, not queued again")
        #expect(try await keysWithoutTTL() == [])
        let grace = try await redis.command(["TTL", frontier("a").base + "pending:a"]).integer ?? -1
        #expect((1...600).contains(grace), "the dead member's pending pages expire: TTL \(grace)")
    }

    /// The job's keys that would never expire (`TTL` -1).
    func keysWithoutTTL() async throws -> [String] {
        let keys = try await redis.command(["KEYS", frontier("a").base + "*"]).array?.compactMap(\.string) ?? []
        var forever: [String] = []
        for key in keys where try await redis.command(["TTL", key]).integer == -1 { forever.append(key) }
        return forever
    }

    @Test func maxPagesCountsAdmittedPages() async throws {
        try await start(["http://127.0.0.2/1.html", "http://127.0.0.2/2.html", "http://127.0.0.2/3.html"], maxPages: 2)
        #expect(try await redis.command(["HMGET", frontier("a").meta, "admitted", "dropped"]) == .array([.string("2"), .string("1")]))
    }
}

extension ClusterFrontier {
    /// One page's completion, the way these tests drive the commit script page by page.
    fileprivate func complete(
        _ claim: Claim, part: String, start: UInt64, end: UInt64, outcome: String, dataItems: Int, errors: Int, links: [Link],
        stream: StreamSinkSpec? = nil, line: String = ""
    ) async throws -> Commit {
        let page = Completion(claim: claim, start: start, end: end, outcome: outcome, dataItems: dataItems, errors: errors, links: links, line: line)
        return try await complete([page], part: part, stream: stream, claimNext: false).commits.first ?? .lost
    }
}
