import Crawl
import Engines
import JSON
import Pool
import Testing
import TestSupport

@Suite struct CrawlerTests {
    @Test func requestWithoutConfigHitsThePermanentEngine() async throws {
        try await CrawlFixture.with { fixture in
            try await fixture.crawler.startPermanentEngine()
            try await withTestHTTPServer { server in
                let page = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/status/200")))
                #expect(page.pool.tier == .permanent)
                #expect(page.pool.hit)
                #expect(page.pool.signature == CrawlFixture.defaultHTTPConfiguration.signature)
                // Spelling out the defaults is the same configuration, so the same engine.
                let spelled = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/status/200"), config: ["follow_redirects": true]))
                #expect(spelled.pool.tier == .permanent)
            }
        }
    }

    @Test func otherConfigGetsAColdEngineThatTurnsHot() async throws {
        try await CrawlFixture.with { fixture in
            try await fixture.crawler.startPermanentEngine()
            try await withTestHTTPServer { server in
                let request = CrawlRequest(url: server.url("/status/200"), config: ["user_agent": "crawld-test/1"])
                var tiers: [PoolTier] = []
                for _ in 0..<5 { tiers.append(try await fixture.crawler.crawl(request).pool.tier) }
                // promote_after = 3 in the shipped policies: the third use promotes.
                #expect(tiers == [.cold, .cold, .cold, .hot, .hot])
                let snapshot = await fixture.pool.snapshot()
                #expect(snapshot.counts[.hot] == 1)
                #expect(snapshot.counts[.permanent] == 1)
            }
        }
    }

    @Test func pageFieldsTitleLinksAndFormats() async throws {
        try await CrawlFixture.with { fixture in
            let site = try TemporaryDirectory()
            defer { site.remove() }
            try """
            <html><head><title>Index page</title><base href="/docs/"></head>
            <body><h1>Hello</h1><p>Some <em>text</em>.</p><a href="a.html#x">A</a> <a href="mailto:x@y">m</a>
            <a href="../b.html">B</a><script>var hidden = 1;</script></body></html>
            """.write(to: site.url.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
            try await withTestHTTPServer(root: site.path) { server in
                let page = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/index.html"), formats: [.links, .text, .markdown, .html]))
                #expect(page.status == 200)
                #expect(page.title == "Index page")
                #expect(page.links == [server.url("/docs/a.html"), server.url("/b.html")])
                #expect(page.text?.contains("Hello") == true)
                #expect(page.text?.contains("hidden") == false)
                #expect(page.markdown?.contains("# Hello") == true)
                #expect(page.html?.contains("<h1>Hello</h1>") == true)
                // The shipped extract.lua default handler ran on the parsed page.
                #expect(page.data.objectValue?["title"] == "Index page")
                #expect(page.data.objectValue?["headings"]?.objectValue?["h1"]?.arrayValue == ["Hello"])
                let json = page.json
                #expect(json["final_url"] == .string(server.url("/index.html")))
                #expect(json["pool"]?.objectValue?["sig"]?.stringValue?.count == 8)
                #expect(json["timing_ms"]?.objectValue?["total"]?.doubleValue ?? -1 >= 0)
                // Links are resolved only for an answer that carries them.
                let unlinked = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/index.html"), formats: [.text]))
                #expect(unlinked.links.isEmpty)
                #expect(unlinked.json["links"] == nil)
                #expect(unlinked.title == "Index page")
            }
        }
    }

    /// A recrawl's unchanged page: the 304 to its validators is neither parsed nor given to
    /// extract.lua, since the job keeps the earlier record's title, links and data.
    @Test func aNotModifiedAnswerIsNeitherParsedNorExtracted() async throws {
        try await CrawlFixture.with { fixture in
            let nginx = try NginxServer()
            try nginx.write("page.html", "<html><head><title>Kept</title></head><body><a href='/next.html'>next</a></body></html>")
            let url = "http://127.0.0.1:\(nginx.port)/page.html"
            let first = try await fixture.crawler.crawl(CrawlRequest(url: url))
            #expect(first.status == 200)
            #expect(first.timing.extract > .zero)
            var again = CrawlRequest(url: url)
            again.validators = RequestValidators(etag: first.headers.first("etag"), lastModified: first.headers.first("last-modified"))
            let unchanged = try await fixture.crawler.crawl(again)
            #expect(unchanged.status == 304)
            #expect(unchanged.timing.extract == .zero)
            #expect(unchanged.timing.parse == .zero)
            #expect(unchanged.title == nil)
            #expect(unchanged.links.isEmpty)
        }
    }

    @Test func httpErrorsAreResultsNotErrors() async throws {
        try await CrawlFixture.with { fixture in
            try await withTestHTTPServer { server in
                #expect(try await fixture.crawler.crawl(CrawlRequest(url: server.url("/status/404"))).status == 404)
                #expect(try await fixture.crawler.crawl(CrawlRequest(url: server.url("/status/500"))).status == 500)
                let redirected = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/redirect/2")))
                #expect(redirected.status == 200)
                #expect(redirected.finalURL != redirected.url)
            }
        }
    }

    @Test func failuresAreClearErrors() async throws {
        try await CrawlFixture.with { fixture in
            try await withTestHTTPServer { server in
                await #expect(throws: EngineError.self) {
                    try await fixture.crawler.crawl(CrawlRequest(url: "http://127.0.0.1:1/"))
                }
                let slow = CrawlRequest(url: server.url("/slow-headers?ms=20000"), timeout: .milliseconds(200))
                let timeout = await #expect(throws: EngineError.self) { try await fixture.crawler.crawl(slow) }
                #expect(timeout?.code.isTimeout == true)
                let capped = CrawlRequest(url: server.url("/big?bytes=100000"), config: ["max_body_bytes": 1000])
                let tooBig = await #expect(throws: EngineError.self) { try await fixture.crawler.crawl(capped) }
                #expect(tooBig?.code == .bodyTooLarge)
                let badConfig = await #expect(throws: CrawlError.self) {
                    try await fixture.crawler.crawl(CrawlRequest(url: server.url("/"), config: ["no_such_key": 1]))
                }
                #expect(badConfig?.code == .badRequest)
                // Configs that read are remembered (EngineSelectionCache); a bad one is refused every time.
                let again = await #expect(throws: CrawlError.self) {
                    try await fixture.crawler.crawl(CrawlRequest(url: server.url("/"), config: ["no_such_key": 1]))
                }
                #expect(again?.message == badConfig?.message)
            }
        }
    }

    @Test func nonHTMLBodiesAreNotParsed() async throws {
        try await CrawlFixture.with { fixture in
            try await withTestHTTPServer { server in
                let json = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/json"), formats: [.text, .links]))
                #expect(json.title == nil)
                #expect(json.links.isEmpty)
                // The shipped default handler says what a non-HTML body was.
                #expect(json.data.objectValue?["kind"] == "json")
                #expect(json.text?.isEmpty == false)
                let png = try await fixture.crawler.crawl(CrawlRequest(url: server.url("/png-as-html"), formats: [.text]))
                #expect(png.title == nil)
                #expect(png.data.objectValue?["kind"] == "image")
                #expect(png.text == nil)
                #expect(png.bytes > 0)
            }
        }
    }

    @Test func denyPrivateRefusesLoopbackTargets() async throws {
        try await CrawlFixture.with(denyPrivate: true) { fixture in
            let refused = await #expect(throws: CrawlError.self) {
                try await fixture.crawler.crawl(CrawlRequest(url: "http://127.0.0.1:9/"))
            }
            #expect(refused?.code == .blockedAddress)
        }
    }
}
