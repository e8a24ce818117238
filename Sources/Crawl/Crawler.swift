import Engines
import HTML
import JSON
import Logging
import NIOCore
import Pool
import Scripting

/// One page, start to finish: URL check, `policies.engine_for`, a pooled
/// engine, the fetch, one parse, extract.lua, the asked formats.
///
/// Used by the `crawl` op and by crawl jobs. Runs on the caller's task, never
/// on an event loop: parsing and Lua are CPU work.
public final class Crawler: Sendable {
    let pool: EnginePool<ContinuousClock>
    let scripts: ScriptRegistry
    let validator: URLValidator
    let eventLoopGroup: any EventLoopGroup
    let browserLaunch: BrowserLaunchConfiguration
    let logger: Logger
    let selections = EngineSelectionCache()

    /// - Parameter browserLaunch: where Chromium is and how its watchdog
    ///   beats; per machine, not part of any signature.
    public init(
        pool: EnginePool<ContinuousClock>,
        scripts: ScriptRegistry,
        validator: URLValidator,
        eventLoopGroup: any EventLoopGroup,
        browserLaunch: BrowserLaunchConfiguration = BrowserLaunchConfiguration(),
        logger: Logger
    ) {
        self.pool = pool
        self.scripts = scripts
        self.validator = validator
        self.eventLoopGroup = eventLoopGroup
        self.browserLaunch = browserLaunch
        self.logger = logger
    }

    /// Starts the permanent engine: the one a request without `engine` or
    /// `config` gets, resolved by the same path such a request takes.
    /// Call again after a reload; a changed default replaces it.
    public func startPermanentEngine() async throws {
        let selection = try await select(for: CrawlRequest(url: "http://example.com/"), url: "http://example.com/")
        switch selection.engine {
        case .http(let configuration):
            try await pool.startPermanent(signature: selection.signature, kind: selection.kind, make: makeHTTPEngine(configuration))
        case .browser(let configuration):
            try await pool.startPermanent(signature: selection.signature, kind: selection.kind, make: makeBrowserEngine(configuration))
        }
    }

    /// Crawls one page.
    /// - Throws: `CrawlError` (bad URL, bad config, unavailable engine),
    ///   `PoolError` (memory pressure…), `EngineError` (fetch failures,
    ///   timeouts), `LuaError` (extract.lua), `HTMLError`.
    public func crawl(_ request: CrawlRequest) async throws -> PageResult {
        let clock = ContinuousClock()
        let start = clock.now
        let url = try await validator.validate(request.url).absoluteString
        var selection = try await select(for: request, url: url)
        var timing = PageResult.PageTiming()
        var page = try await fetch(url, with: selection, for: request, queue: &timing.queue)
        var document: HTMLDocument?
        if case .http = selection.engine, request.engine == nil {
            let escalation = try await escalation(for: request, url: url, fetched: page.fetched)
            document = escalation.document
            if let browser = escalation.browser {
                selection = browser
                document = nil
                page = try await fetch(url, with: selection, for: request, queue: &timing.queue)
            }
        }
        let fetched = page.fetched
        timing.fetch = clock.now - start - timing.queue

        var result = PageResult(
            url: url, finalURL: fetched.finalURL, status: fetched.status, contentType: fetched.contentType,
            bytes: fetched.byteCount, headers: fetched.headers, title: nil, links: [], data: .null,
            html: nil, text: nil, markdown: nil, engine: selection.kind, pool: page.pool, timing: timing,
            formats: request.formats
        )
        result.browser = page.browser
        try await readPage(fetched, parsed: document, request: request, into: &result)
        result.timing.total = clock.now - start
        return result
    }

    /// What one engine gave for a page.
    private struct Fetched {
        var fetched: FetchResult
        var pool: PageResult.PoolUse
        var browser = PageResult.BrowserOutput()
    }

    /// Fetches (HTTP) or renders (browser) `url` on a pooled engine for `selection`.
    /// - Parameter queue: the time spent waiting for the engine is added to it.
    private func fetch(_ url: String, with selection: EngineSelection, for request: CrawlRequest, queue: inout Duration) async throws -> Fetched {
        let clock = ContinuousClock()
        let start = clock.now
        switch selection.engine {
        case .http(let configuration):
            guard request.browser.isEmpty else {
                throw CrawlError(.badRequest, "js, screenshot and pdf need the browser engine, and this request got the http engine")
            }
            let lease = try await pool.acquire(signature: selection.signature, kind: selection.kind, make: makeHTTPEngine(configuration))
            queue += clock.now - start
            let poolUse = PageResult.PoolUse(tier: lease.tier, hit: lease.hit, signature: lease.signature)
            let checkRedirect: @Sendable (String) async throws -> Void = { [validator] target in _ = try await validator.validate(target) }
            let fetched = try await lease.engine.fetch(url: url, timeout: request.timeout, cookies: request.cookies, checkRedirect: checkRedirect)
            lease.release()
            return Fetched(fetched: fetched, pool: poolUse)
        case .browser(let configuration):
            let lease = try await pool.acquire(signature: selection.signature, kind: selection.kind, make: makeBrowserEngine(configuration))
            queue += clock.now - start
            let poolUse = PageResult.PoolUse(tier: lease.tier, hit: lease.hit, signature: lease.signature)
            let options = RenderOptions(
                script: request.browser.js, screenshot: request.browser.screenshot, pdf: request.browser.pdf, timeout: request.timeout
            )
            let engine = lease.engine
            let rendered: RenderResult
            do {
                rendered = try await engine.render(url: url, options: options)
            } catch {
                lease.release()
                // A browser killed by its watchdog or crashed is replaced now,
                // not at the next janitor round: the next request must not meet it.
                if await !engine.isHealthy() { await pool.checkHealth() }
                throw error
            }
            lease.release()
            // The rendered DOM goes through the same parse and extract path as an HTTP body.
            let fetched = FetchResult(
                url: url, finalURL: rendered.finalURL, redirects: [], status: rendered.status,
                headers: ResponseHeaders([.init(name: "content-type", value: "text/html; charset=utf-8")]),
                body: Array(rendered.html.utf8), timing: FetchTiming(firstByte: rendered.duration, total: rendered.duration)
            )
            let output = PageResult.BrowserOutput(js: rendered.scriptResult, screenshot: rendered.screenshotBase64, pdf: rendered.pdfBase64)
            return Fetched(fetched: fetched, pool: poolUse, browser: output)
        }
    }

    // MARK: - Steps

    /// `policies.engine_for(url, request)`: the script sees the request's
    /// `engine` and `config` and returns the ones to use.
    func select(for request: CrawlRequest, url: String) async throws(CrawlError) -> EngineSelection {
        let choice = await scripts.policies.engine(for: url, request: request.policyView)
        return try selections.selection(kind: choice.engine, config: choice.config)
    }

    /// Parses an HTML body once (or takes the document the escalation check
    /// already parsed) and fills title, links, data and formats. When only
    /// title and links are asked for, no tree is built (`PageOutline`).
    ///
    /// Bodies that are not HTML (JSON, text, images, PDF; judged by content
    /// type and magic bytes) never reach the HTML parser: title is null,
    /// links empty, the `text` format carries the body when it is text, and
    /// extract.lua's `default` gets `doc = nil` with `page.kind` saying what
    /// the body is (and `page.json` / `page.text` for JSON and text).
    private func readPage(_ fetched: FetchResult, parsed: HTMLDocument?, request: CrawlRequest, into result: inout PageResult) async throws {
        let clock = ContinuousClock()
        let kind = Extractor.bodyKind(contentType: fetched.contentType, body: fetched.body)
        let page = PageInfo(
            url: result.url, finalURL: fetched.finalURL, status: fetched.status,
            headers: fetched.headers.fields.map { ($0.name, $0.value) }, depth: request.depth
        )
        guard kind == .html else {
            if request.formats.contains(.text), kind == .text || kind == .json {
                result.text = String(decoding: fetched.body, as: UTF8.self)
            }
            if request.extract {
                let extractStart = clock.now
                result.data = try await scripts.extractor.extract(body: fetched.body, kind: kind, page: page)
                result.timing.extract = clock.now - extractStart
            }
            return
        }
        let parseStart = clock.now
        if parsed == nil, !request.extract, request.formats.isSubset(of: [.links]) {
            // Only title and links are asked for (a crawl job without extraction): one
            // streaming pass, no tree, whose size is many times the page's.
            let outline = PageOutline(bytes: fetched.body, contentType: fetched.contentType, url: fetched.finalURL)
            result.title = outline.title
            if request.formats.contains(.links) { result.links = outline.links }
            result.timing.parse = clock.now - parseStart
            return
        }
        let document = try parsed ?? HTMLDocument(bytes: fetched.body, contentType: fetched.contentType, url: fetched.finalURL)
        result.title = document.title
        // Resolving every href is a tenth of a small page's crawl: done only when
        // the answer carries `links` (crawl jobs always ask for them).
        if request.formats.contains(.links) { result.links = document.links }
        if request.formats.contains(.html) { result.html = document.root?.html }
        if request.formats.contains(.text) { result.text = document.visibleText() }
        if request.formats.contains(.markdown) { result.markdown = document.markdown() }
        result.timing.parse = clock.now - parseStart
        if request.extract {
            let extractStart = clock.now
            result.data = try await scripts.extractor.extract(document: document, page: page)
            result.timing.extract = clock.now - extractStart
        }
    }

    private func makeBrowserEngine(_ configuration: BrowserEngineConfiguration) -> @Sendable () throws -> BrowserEngine {
        { [browserLaunch, logger] in BrowserEngine(configuration: configuration, launch: browserLaunch, logger: logger) }
    }

    private func makeHTTPEngine(_ configuration: HTTPEngineConfiguration) -> @Sendable () throws -> HTTPEngine {
        { [eventLoopGroup, logger] in HTTPEngine(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger) }
    }
}
