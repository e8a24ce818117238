import Crawl
import Engines
import JSON
import Jobs
import Protocol

/// `crawl`: one page through policy, pool, engine, parse and extract.lua.
struct CrawlOp: Op {
    let name = "crawl"
    let parameterKeys: Set<String> = ["url", "engine", "config", "extract", "formats", "timeout_ms", "js", "screenshot", "pdf"]
    let crawler: Crawler
    let admission: CrawlAdmission
    let throttle: HostThrottle

    /// Past a crawl ceiling the request waits briefly, then gets `busy` (`CrawlAdmission`).
    ///
    /// A `crawl` is a client asking for one page now, so it does not wait
    /// for a host's politeness; but its latency and its 429s and 503s count
    /// in the host's statistics, so the jobs crawling that host slow down too.
    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        var crawl = try Self.crawlRequest(request.parameters)
        crawl.cookies = context.session.attachment { CookieJar() }
        let origin = CrawlURL(crawl.url)?.origin
        return try await admission.withSlot(client: context.session.peerAddress, patience: admission.limits.patience) { [crawl] in
            guard let origin else { return try await crawler.crawl(crawl).json }
            await throttle.started(origin: origin)
            let started = ContinuousClock.now
            do {
                let page = try await crawler.crawl(crawl)
                await throttle.finished(origin: origin, latency: .now - started, status: page.status, retryAfter: page.headers.first("retry-after"))
                return page.json
            } catch {
                await throttle.finished(origin: origin, latency: .now - started, status: nil, retryAfter: nil)
                throw error
            }
        }
    }

    /// Reads the crawl parameters of protocol.md; shared with `job.submit`.
    static func crawlRequest(_ parameters: Parameters) throws(ProtocolError) -> CrawlRequest {
        var crawl = CrawlRequest(url: try parameters.requiredString("url"))
        if let engine = try parameters.string("engine") {
            guard engine == "http" || engine == "browser" else {
                throw ProtocolError(.badRequest, "'engine' must be \"http\" or \"browser\", got \"\(engine)\"")
            }
            crawl.engine = engine
        }
        crawl.config = try parameters.object("config")
        crawl.extract = try parameters.bool("extract") ?? true
        if let formats = try parameters.strings("formats") {
            crawl.formats = []
            for format in formats {
                guard let known = CrawlRequest.Format(rawValue: format) else {
                    throw ProtocolError(.badRequest, "unknown format '\(format)' (known: html, text, markdown, links)")
                }
                crawl.formats.insert(known)
            }
        }
        if let ms = try parameters.int("timeout_ms", in: 1...3_600_000) { crawl.timeout = .milliseconds(ms) }
        crawl.browser.js = try parameters.string("js")
        crawl.browser.screenshot = try parameters.bool("screenshot") ?? false
        crawl.browser.pdf = try parameters.bool("pdf") ?? false
        return crawl
    }
}
