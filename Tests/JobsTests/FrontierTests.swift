import Testing

@testable import Jobs

@Suite struct FrontierTests {
    func url(_ path: String) -> CrawlURL { CrawlURL("http://h" + path)! }

    @Test func breadthFirstByDepthAndDeduped() {
        var frontier = Frontier(maxPages: 100, maxDepth: 5)
        frontier.add(url("/"), depth: 0)
        let root = frontier.next()!
        frontier.add(url("/a"), depth: 1)
        frontier.add(url("/b"), depth: 1)
        frontier.add(url("/"), depth: 1)
        frontier.complete(root)
        let a = frontier.next()!
        frontier.add(url("/a/1"), depth: 2)
        frontier.add(url("/b"), depth: 2)
        let b = frontier.next()!
        frontier.add(url("/b/1"), depth: 2)
        #expect([a.url.string, b.url.string] == ["http://h/a", "http://h/b"])
        #expect(frontier.next()?.url.string == "http://h/a/1")
        #expect(frontier.next()?.url.string == "http://h/b/1")
        #expect(frontier.next() == nil)
    }

    @Test func maxDepthIsExact() {
        var frontier = Frontier(maxPages: 100, maxDepth: 1)
        let added = [frontier.add(url("/"), depth: 0), frontier.add(url("/a"), depth: 1), frontier.add(url("/b"), depth: 2)]
        #expect(added == [true, true, false])
        #expect(frontier.queuedCount == 2)
    }

    @Test func maxPagesCountsInFlightAndReleasedSlotsReturn() {
        var frontier = Frontier(maxPages: 2, maxDepth: 5)
        for p in ["/1", "/2", "/3", "/4"] { frontier.add(url(p), depth: 0) }
        let first = frontier.next()!
        let second = frontier.next()!
        #expect(frontier.next() == nil)
        frontier.release(second)
        let third = frontier.next()!
        #expect(third.url.string == "http://h/3")
        frontier.complete(first)
        frontier.complete(third)
        #expect(frontier.next() == nil)
        #expect(frontier.completed == 2)
        #expect(frontier.isFinished)
    }

    @Test func pendingListsInFlightThenQueueAndRestores() {
        var frontier = Frontier(maxPages: 10, maxDepth: 5)
        for p in ["/1", "/2", "/3"] { frontier.add(url(p), depth: 0) }
        let first = frontier.next()!
        _ = frontier.next()!
        frontier.complete(first)
        #expect(frontier.pending.map(\.url) == ["http://h/2", "http://h/3"])
        var restored = Frontier(maxPages: 10, maxDepth: 5, pending: frontier.pending, seen: frontier.seen, completed: frontier.completed)
        let readded = restored.add(url("/1"), depth: 1)
        #expect(!readded)
        #expect(restored.next()?.url.string == "http://h/2")
        #expect(restored.completed == 1)
    }

    /// A site whose every page links to thousands of fresh URLs once grew the
    /// queue (and the checkpoint) without bound: 749,986 URLs for 20 pages.
    @Test func queueHoldsWhatTheJobCanStillCrawlPlusTheMargin() {
        var frontier = Frontier(maxPages: 20, maxDepth: 5, maxQueued: 1_000, margin: 30)
        frontier.add(url("/"), depth: 0)
        let root = frontier.next()!
        let queued = (0..<10_000).filter { frontier.add(url("/w/\($0)"), depth: 1) }.count
        #expect(queued == 49, "20 pages, 1 of them in flight, margin 30")
        #expect(frontier.dropped == 10_000 - 49)
        frontier.complete(root)
        let full = frontier.add(url("/w/9999"), depth: 1)
        #expect(!full, "19 left to crawl + 30 margin = the 49 queued")
        let again = frontier.add(url("/w/1"), depth: 1)
        #expect(!again, "a URL queued once stays seen")
        let taken = frontier.next()!
        frontier.release(taken)
        #expect(frontier.queuedCount == 48)
        let room = frontier.add(url("/w/9998"), depth: 1)
        #expect(room, "a released page frees its place")
    }

    @Test func operatorCeilingCapsAnyJob() {
        var frontier = Frontier(maxPages: 10_000_000, maxDepth: 5, maxQueued: 100, margin: 1_000)
        let queued = (0..<1_000).filter { frontier.add(url("/\($0)"), depth: 0) }.count
        #expect(queued == 100)
        #expect(frontier.dropped == 900)
    }

    @Test func droppedURLIsNotSeenAndMayComeBackLater() {
        var frontier = Frontier(maxPages: 1, maxDepth: 5, maxQueued: 1, margin: 0)
        frontier.add(url("/a"), depth: 0)
        let dropped = frontier.add(url("/b"), depth: 0)
        #expect(!dropped)
        let a = frontier.next()!
        frontier.release(a)
        let queued = frontier.add(url("/b"), depth: 0)
        #expect(queued, "room again: /b was never marked seen")
    }
}
