import Crawl
import Engines
import JSON
import Jobs
import Monitor
import Pool
import Protocol

/// `crawl`: one page through policy, pool, engine, parse and extract.lua.
struct CrawlOp: Op {
    let name = "crawl"
    let parameterKeys: Set<String> = ["url", "engine", "config", "extract", "formats", "timeout_ms", "js", "screenshot", "pdf", "query", "wait_until", "wait_for", "session"]
    let crawler: Crawler
    let admission: CrawlAdmission
    let throttle: HostThrottle

    /// Past a crawl ceiling the request waits briefly, then gets `busy` (`CrawlAdmission`).
    ///
    /// A `crawl` is a client asking for one page now, so it does not wait
    /// for a host's politeness; but its latency and its 429s and 503s count
    /// in the host's statistics, so the jobs crawling that host slow down too.
    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try await answer(request, context: context).fields
    }

    func answer(_ request: Request, context: RequestContext) async throws -> OpAnswer {
        var crawl = try Self.crawlRequest(request.parameters)
        crawl.cookies = context.session.attachment { CookieJar() }
        // `session`: renders of this connection that share a browser context and keep its pages warm.
        if let name = try Self.string("session", in: request.parameters, being: "a name", maxBytes: CrawlRequest.maxSessionBytes) {
            // The connection owns the session, so no other can join it; it counts against the client's address.
            crawl.browserSession = BrowserSessionKey(
                owner: "connection \(context.session.connectionID)", name: name, client: context.session.peerAddress
            )
        }
        let origin = CrawlURL(crawl.url)?.origin
        let page = try await admission.withSlot(client: context.session.peerAddress, patience: admission.limits.patience) { [crawl] in
            guard let origin else { return try await crawler.crawl(crawl) }
            await throttle.started(origin: origin)
            let started = ContinuousClock.now
            do {
                let page = try await crawler.crawl(crawl)
                await throttle.finished(origin: origin, latency: .now - started, status: page.status, retryAfter: page.headers.first("retry-after"))
                return page
            } catch {
                await throttle.finished(origin: origin, latency: .now - started, status: nil, retryAfter: nil)
                throw error
            }
        }
        let outcome = MonitorOutcome(success: true, status: page.status, poolHit: page.pool.hit, signature: page.pool.signature.short)
        return OpAnswer(fields: page.json, outcome: outcome)
    }

    /// Reads the crawl parameters of protocol.md (`job.submit` has its own, `JobSpec`).
    static func crawlRequest(_ parameters: Parameters) throws(ProtocolError) -> CrawlRequest {
        var crawl = CrawlRequest(url: try parameters.requiredString("url"))
        if let engine = try parameters.string("engine") {
            guard EngineKind(rawValue: engine) != nil else {
                throw ProtocolError(.badRequest, "'engine' must be \(EngineKind.choices), got \"\(engine)\"")
            }
            crawl.engine = engine
        }
        crawl.config = try parameters.object("config")
        crawl.extract = try parameters.bool("extract") ?? true
        if let formats = try parameters.strings("formats") {
            crawl.formats = []
            for format in formats {
                guard let known = CrawlRequest.Format(rawValue: format) else {
                    throw ProtocolError(.badRequest, "unknown format '\(format)' (known: html, text, markdown, fit_markdown, links)")
                }
                crawl.formats.insert(known)
            }
        }
        crawl.query = try parameters.string("query")
        if let query = crawl.query {
            guard crawl.formats.contains(.fitMarkdown) else {
                throw ProtocolError(.badRequest, "'query' filters fit_markdown: add \"fit_markdown\" to formats")
            }
            guard query.utf8.count <= CrawlRequest.maxQueryBytes else {
                throw ProtocolError(.badRequest, "'query' has at most \(CrawlRequest.maxQueryBytes) bytes, got \(query.utf8.count)")
            }
        }
        if let ms = try parameters.int("timeout_ms", in: 1...3_600_000) { crawl.timeout = .milliseconds(ms) }
        crawl.browser.js = try parameters.string("js")
        crawl.browser.screenshot = try parameters.bool("screenshot") ?? false
        crawl.browser.pdf = try parameters.bool("pdf") ?? false
        if let waitUntil = try parameters.string("wait_until") {
            guard let known = RenderOptions.WaitUntil(rawValue: waitUntil) else {
                let choices = RenderOptions.WaitUntil.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw ProtocolError(.badRequest, "'wait_until' must be one of \(choices), got \"\(waitUntil.prefix(100))\"")
            }
            crawl.browser.waitUntil = known
        }
        crawl.browser.waitFor = try string("wait_for", in: parameters, being: "a CSS selector", maxBytes: CrawlRequest.maxSelectorBytes)
        return crawl
    }

    /// The string `key`, of 1 to `maxBytes` bytes, else `bad_request` saying it must be `what`.
    private static func string(_ key: String, in parameters: Parameters, being what: String, maxBytes: Int) throws(ProtocolError) -> String? {
        guard let value = try parameters.string(key) else { return nil }
        guard !value.isEmpty, value.utf8.count <= maxBytes else {
            throw ProtocolError(.badRequest, "'\(key)' must be \(what) of 1 to \(maxBytes) bytes")
        }
        return value
    }
}
