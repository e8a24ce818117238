import Crawl
import JSON
import Testing
import TestSupport

/// The crawler parses and extracts a page only inside its `TreeGate`.
@Suite struct CrawlTreeGateTests {
    /// With the gate's one place held, a page to extract is fetched and then
    /// waits with no tree until the place comes back; a page that wants only
    /// title and links builds no tree and goes past the full gate.
    @Test func aPageToExtractWaitsForAPlaceAndAnOutlineDoesNot() async throws {
        let gate = TreeGate(capacity: 1)
        try await CrawlFixture.with(trees: gate) { fixture in
            let crawler = fixture.crawler
            try await withTestHTTPServer { server in
                let url = server.url("/slow-headers?ms=0")
                try await gate.enter(weight: 1)
                let extracted = Task { try await crawler.crawl(CrawlRequest(url: url)) }
                #expect(await pollUntil { gate.waiting == 1 })
                let outline = try await crawler.crawl(CrawlRequest(url: url, extract: false))
                #expect(outline.title == "slow")
                #expect(gate.waiting == 1)
                gate.leave(weight: 1)
                let page = try await extracted.value
                #expect(page.title == "slow" && page.data.objectValue?["title"] == .string("slow"))
                #expect(gate.inside.pages == 0 && gate.waiting == 0)
            }
        }
    }
}
