import Crawl
import Engines
import Foundation
import Pool
import Testing
import TestSupport

/// A browser that dies, or that its watchdog kills, fails the request in
/// flight, and the pool replaces it at once: the very next request works on
/// a new browser instead of meeting the dead one until the janitor's round.
/// A page that only passes its deadline costs its own page, not the browser.
@Suite(.serialized) struct CrawlBrowserRecoveryTests {
    /// The browser processes (not their renderers or zygotes) using a profile under `root`.
    private static func browsers(under root: String) -> [Int32] {
        processes(containing: ["--user-data-dir=\(root)"], excluding: ["--type="])
    }

    private static func withBrowserCrawl(_ body: (CrawlFixture, TestHTTPServer, String) async throws -> Void) async throws {
        let profiles = try TemporaryDirectory()
        defer { profiles.remove() }
        let site = try TemporaryDirectory()
        defer { site.remove() }
        try "<!doctype html><html><body><p>looping</p><script>while (true) {}</script></body></html>"
            .write(to: site.url.appendingPathComponent("loop.html"), atomically: true, encoding: .utf8)
        try await CrawlFixture.with(browserLaunch: BrowserLaunchConfiguration(profileRoot: profiles.path)) { fixture in
            try await withTestHTTPServer(root: site.path) { server in try await body(fixture, server, profiles.path) }
        }
    }

    @Test func killedBrowserFailsItsRequestAndTheNextGetsANewOne() async throws {
        try await Self.withBrowserCrawl { fixture, server, profiles in
            let page = CrawlRequest(url: server.url("/status/200"), engine: "browser")
            _ = try await fixture.crawler.crawl(page)
            let first = Self.browsers(under: profiles)
            try #require(first.count == 1)
            let crawler = fixture.crawler
            let hang = server.url("/slow-headers?ms=60000")
            // A deadline no busy test run reaches: the render must end by the kill, as `crashed`.
            let hanging = Task { try await crawler.crawl(CrawlRequest(url: hang, engine: "browser", timeout: .seconds(600))) }
            // Killed while it serves the hanging request, not before it took the browser.
            try #require(await pollUntil { await fixture.pool.snapshot().rows.contains { $0.kind == "browser" && $0.inFlight > 0 } })
            kill(first[0], SIGKILL)
            let error = await #expect(throws: BrowserError.self) { _ = try await hanging.value }
            #expect(error?.code == .crashed)

            let next = try await fixture.crawler.crawl(page)
            #expect(next.status == 200)
            #expect(next.engine == "browser")
            #expect(next.pool.hit == false, "a new browser started for it")
            #expect(await pollUntil(seconds: 10) { Self.browsers(under: profiles).count == 1 })
            #expect(Self.browsers(under: profiles) != first)
        }
    }

    @Test func infiniteLoopTimesOutAndTheNextRequestKeepsTheBrowser() async throws {
        try await Self.withBrowserCrawl { fixture, server, profiles in
            let loop = CrawlRequest(url: server.url("/loop.html"), engine: "browser", timeout: .seconds(2))
            let error = await #expect(throws: BrowserError.self) { _ = try await fixture.crawler.crawl(loop) }
            #expect(error?.code == .timeout)
            let browser = Self.browsers(under: profiles)
            #expect(browser.count == 1, "the looping page's context was closed, not its browser")

            let next = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/status/200"), engine: "browser"))
            #expect(next.status == 200)
            #expect(next.pool.hit == true, "the same browser served it")
            #expect(Self.browsers(under: profiles) == browser)
        }
    }
}
