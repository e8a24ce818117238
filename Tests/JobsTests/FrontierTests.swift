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
        #expect(frontier.pending.map(\.url.string) == ["http://h/2", "http://h/3"])
        var restored = Frontier(maxPages: 10, maxDepth: 5, pending: frontier.pending, seen: frontier.seen, completed: frontier.completed)
        let readded = restored.add(url("/1"), depth: 1)
        #expect(!readded)
        #expect(restored.next()?.url.string == "http://h/2")
        #expect(restored.completed == 1)
    }

    @Test func seenSetSurvivesItsEncoding() throws {
        var seen = SeenSet()
        for i in 0..<1000 { seen.insert("http://h/\(i)") }
        let restored = try #require(SeenSet(encoded: seen.encoded))
        #expect(restored == seen)
        #expect(restored.contains("http://h/999"))
        #expect(!restored.contains("http://h/1000"))
        #expect(SeenSet(encoded: "not base64!") == nil)
    }

    @Test func seenHashIsStable() {
        #expect(SeenSet.hash("http://example.org/") == SeenSet.hash("http://example.org/"))
        #expect(SeenSet.hash("http://example.org/a") != SeenSet.hash("http://example.org/b"))
    }
}
