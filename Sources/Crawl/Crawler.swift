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
    /// The operator's limits every crawl is held to.
    public let limits: CrawlLimits
    let logger: Logger
    let selections = EngineSelectionCache()
    /// The pages that may hold a parsed tree at once (`TreeGate`).
    public let trees: TreeGate

    /// - Parameters:
    ///   - browserLaunch: where Chromium is and how its watchdog beats; per
    ///     machine, not part of any signature.
    ///   - limits: the operator's body ceiling and request-memory budget.
    public init(
        pool: EnginePool<ContinuousClock>,
        scripts: ScriptRegistry,
        validator: URLValidator,
        eventLoopGroup: any EventLoopGroup,
        browserLaunch: BrowserLaunchConfiguration = BrowserLaunchConfiguration(),
        limits: CrawlLimits = CrawlLimits(),
        trees: TreeGate = TreeGate(),
        logger: Logger
    ) {
        self.pool = pool
        self.scripts = scripts
        self.validator = validator
        self.eventLoopGroup = eventLoopGroup
        self.browserLaunch = browserLaunch
        self.limits = limits
        self.trees = trees
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
    ///   timeouts), `LuaError` (extract.lua), `HTMLError`; `CrawlError(.memoryPressure)`
    ///   when the page does not fit the request-memory budget.
    public func crawl(_ request: CrawlRequest) async throws -> PageResult {
        let clock = ContinuousClock()
        let start = clock.now
        try limits.check(config: request.config)
        let target = try await validator.check(request.url)
        let url = target.url.absoluteString
        if let config = request.config { try EngineConfigLimits.check(config) }
        let selection = try await select(for: request, url: url)
        var timing = PageResult.PageTiming()
        let page = try await fetch(target, with: selection, for: request, queue: &timing.queue)
        // From here the body is in and will be parsed: its estimated cost is held until the answer is built.
        let parsesTree = request.extract || !request.formats.isSubset(of: [.links]) || scripts.policies.settings.escalates
        let cost = RequestMemoryBudget.cost(of: page.fetched.body, parsesTree: parsesTree)
        return try await limits.memory.withReservation(cost, limit: limits.requestMemory, for: url) {
            try await read(page, target: target, selection: selection, request: request, timing: timing, start: start, tree: parsesTree ? cost : nil)
        }
    }

    /// The rest of `crawl` once the first fetch is in: the browser
    /// escalation, one parse, extract.lua, the formats. A page that parses a
    /// `tree` (its estimated cost) is inside `trees`, but while a browser renders it.
    private func read(
        _ first: Fetched, target: URLValidator.CheckedURL, selection: EngineSelection, request: CrawlRequest,
        timing: PageResult.PageTiming, start: ContinuousClock.Instant, tree: Int?
    ) async throws -> PageResult {
        var held = try await trees.enter(holding: tree)
        defer { trees.leave(&held) }
        let clock = ContinuousClock()
        let url = target.url.absoluteString
        var page = first
        var selection = selection
        var timing = timing
        var document: HTMLDocument?
        // A 304 (a recrawl's unchanged page) has no body to judge: it never goes to the browser.
        if case .http = selection.engine, request.engine == nil, page.fetched.status != 304 {
            let escalation = try await escalation(for: request, url: url, fetched: page.fetched)
            document = escalation.document
            if let browser = escalation.browser {
                selection = browser
                document = nil
                // A render takes seconds and holds no tree: its place serves another page meanwhile.
                trees.leave(&held)
                page = try await fetch(target, with: selection, for: request, queue: &timing.queue)
                held = try await trees.enter(holding: tree)
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
        // A 304 to a recrawl's validators has no body: the earlier record holds what the page gave,
        // so nothing is parsed or extracted (a Lua call a page, most of what an unchanged page cost).
        if fetched.status != 304 || request.validators == nil {
            if request.digestsBody { result.contentSHA256 = Self.sha256(fetched.body) }
            try await readPage(fetched, parsed: document, request: request, into: &result)
        }
        result.timing.total = clock.now - start
        return result
    }

    /// What one engine gave for a page.
    struct Fetched {
        var fetched: FetchResult
        var pool: PageResult.PoolUse
        var browser = PageResult.BrowserOutput()
    }

    /// Fetches (HTTP) or renders (browser) `target` on a pooled engine for `selection`.
    /// - Parameter queue: the time spent waiting for the engine is added to it.
    func fetch(
        _ target: URLValidator.CheckedURL, with selection: EngineSelection, for request: CrawlRequest, queue: inout Duration
    ) async throws -> Fetched {
        let url = target.url.absoluteString
        let clock = ContinuousClock()
        let start = clock.now
        switch selection.engine {
        case .http(let configuration):
            guard request.browser.isEmpty else {
                throw CrawlError(.badRequest, "js, screenshot, pdf, wait_until and wait_for need the browser engine, and this request got the http engine")
            }
            let lease = try await pool.acquire(signature: selection.signature, kind: selection.kind, make: makeHTTPEngine(configuration))
            queue += clock.now - start
            let poolUse = PageResult.PoolUse(tier: lease.tier, hit: lease.hit, signature: lease.signature)
            let fetched = try await lease.engine.fetch(
                url: url, timeout: request.timeout, cookies: request.cookies,
                checkRedirect: { next in _ = try URLValidator.checkSyntax(next) }, pin: addressPin(checked: target),
                validators: request.validators
            )
            lease.release()
            return Fetched(fetched: fetched, pool: poolUse)
        case .browser(let configuration):
            let lease = try await pool.acquire(signature: selection.signature, kind: selection.kind, make: makeBrowserEngine(configuration))
            queue += clock.now - start
            let poolUse = PageResult.PoolUse(tier: lease.tier, hit: lease.hit, signature: lease.signature)
            let options = RenderOptions(
                waitForSelector: request.browser.waitFor, waitUntil: request.browser.waitUntil ?? .load,
                script: request.browser.js, screenshot: request.browser.screenshot, pdf: request.browser.pdf, timeout: request.timeout,
                session: request.browserSession
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
            let output = PageResult.BrowserOutput(
                js: rendered.scriptResult, screenshot: rendered.screenshotBase64, pdf: rendered.pdfBase64, dialogs: rendered.dialogs
            )
            return Fetched(fetched: fetched, pool: poolUse, browser: output)
        }
    }

    // MARK: - Steps

    /// Under `--deny-private`, where the HTTP engine connects for each host
    /// of a fetch: for the URL's own host the first address `validate`
    /// already resolved and allowed (one lookup, and the address checked is
    /// the address connected to), for every other redirect target's host the
    /// first address `AddressPolicy` allows in a lookup of its own.
    private func addressPin(checked target: URLValidator.CheckedURL) -> HTTPEngine.AddressPin? {
        guard let policy = validator.addressPolicy else { return nil }
        let checkedHost = target.url.lookupHost
        let checkedAddress = target.addresses.first
        return { host in
            if host == checkedHost, let checkedAddress { return checkedAddress }
            return try await policy.checkedAddresses(of: host).first
        }
    }

    /// `policies.engine_for(url, request)`: the script sees the request's
    /// `engine` and `config` and returns the ones to use, with `proxy` a name
    /// from policies.lua's `proxies`.
    /// - Throws: `LuaError` when `engine_for` fails for this request (no
    ///   other request's choice stands in), `CrawlError` for a config the
    ///   engine cannot use or an undeclared proxy.
    func select(for request: CrawlRequest, url: String) async throws -> EngineSelection {
        let policies = scripts.policies
        let choice = try await policies.engine(for: url, request: request.policyView)
        let config = try EngineSelection.resolvingProxy(in: choice.config, declared: policies.settings.proxies)
        return try selections.selection(kind: choice.engine, config: limits.clamped(config, kind: choice.engine))
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
        let kind = BodyKind.classify(contentType: fetched.contentType, body: fetched.body)
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
            // Only title and links are asked for (a crawl job without extraction): a byte
            // scan (or one streaming pass where it defers), no tree, whose size is many times the page's.
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
        let extractStart = clock.now
        if request.formats.contains(.fitMarkdown) {
            let main = try await scripts.extractor.mainContent(document: document, page: page)
            result.fitMarkdown = document.fitMarkdown(main: main, query: request.query)
        }
        if request.extract {
            result.data = try await scripts.extractor.extract(document: document, page: page)
        }
        result.timing.extract = clock.now - extractStart
    }

    private func makeBrowserEngine(_ configuration: BrowserEngineConfiguration) -> @Sendable () throws -> BrowserEngine {
        { [browserLaunch, addressGuard, eventLoopGroup, logger] in
            BrowserEngine(configuration: configuration, launch: browserLaunch, addressGuard: addressGuard, eventLoopGroup: eventLoopGroup, logger: logger)
        }
    }

    /// With `--deny-private`, the browser's check of every request a page
    /// makes: the same `AddressPolicy` the validator and the HTTP engine apply.
    private var addressGuard: BrowserAddressGuard? {
        validator.addressPolicy.map(BrowserAddressGuard.init(policy:))
    }

    private func makeHTTPEngine(_ configuration: HTTPEngineConfiguration) -> @Sendable () throws -> HTTPEngine {
        { [eventLoopGroup, logger] in HTTPEngine(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger) }
    }
}
