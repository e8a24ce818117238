import Engines
import JSON

/// One page to crawl, as the `crawl` op and crawl jobs ask for it.
public struct CrawlRequest: Sendable {
    /// The extra representations of the page a client may ask for.
    public enum Format: String, Sendable, CaseIterable {
        case html, text, markdown, links
        /// The page's main content as Markdown (`HTMLDocument.fitMarkdown`).
        case fitMarkdown = "fit_markdown"
    }

    public var url: String
    /// `http` or `browser`; nil lets `policies.engine_for` choose.
    public var engine: String?
    /// Engine configuration keys; they override the policy's for this request.
    public var config: JSONObject?
    /// Run extract.lua's handler for the page's site.
    public var extract: Bool
    public var formats: Set<Format>
    /// Keeps only the blocks of `fit_markdown` relevant to this text (BM25); nil keeps all.
    public var query: String?
    /// The longest `query`: a few sentences, not a document (its terms are matched per block).
    public static let maxQueryBytes = 4096
    /// The longest `wait_for` selector: a selector, not a script.
    public static let maxSelectorBytes = 1024
    /// The request's own deadline; the engine's configured timeout still applies.
    public var timeout: Duration?
    /// Link depth within a job (0 for the `crawl` op); extract.lua sees it.
    public var depth: Int
    /// What only the browser engine can do.
    public var browser = BrowserOptions()
    /// The jar of the connection or job this page is for: its HTTP fetches send
    /// and keep these cookies. Nil keeps none (robots.txt). An engine config
    /// with `cookies = "shared"` uses the engine's own jar instead.
    public var cookies: CookieJar?
    /// An earlier response's ETag and Last-Modified, sent as `If-None-Match` /
    /// `If-Modified-Since` by the HTTP engine (a recrawl); a 304 then comes back
    /// as the page, with an empty body. The browser engine sends none.
    public var validators: RequestValidators?
    /// Whether the answer carries `contentSHA256`, the SHA-256 of the body as received.
    public var digestsBody = false
    /// The browser session a render belongs to (`RenderOptions.session`),
    /// owned by the connection or job; the HTTP engine, whose cookies are the
    /// connection's or job's anyway, ignores it.
    public var browserSession: BrowserSessionKey?
    /// The longest session name a client gives (the `crawl` op's `session`).
    public static let maxSessionBytes = 64

    /// The browser-only asks of a request; any of them makes the shipped
    /// `engine_for` choose the browser.
    public struct BrowserOptions: Sendable {
        /// A script to run after load; its JSON result is the answer's `js`.
        public var js: String?
        public var screenshot = false
        public var pdf = false
        /// The page event to wait for (`wait_until`); nil waits for `load`.
        public var waitUntil: RenderOptions.WaitUntil?
        /// A CSS selector to wait for after the page event (`wait_for`).
        public var waitFor: String?

        public init() {}

        var isEmpty: Bool { js == nil && !screenshot && !pdf && waitUntil == nil && waitFor == nil }
    }

    public init(
        url: String,
        engine: String? = nil,
        config: JSONObject? = nil,
        extract: Bool = true,
        formats: Set<Format> = [.links],
        timeout: Duration? = nil,
        depth: Int = 0
    ) {
        self.url = url
        self.engine = engine
        self.config = config
        self.extract = extract
        self.formats = formats
        self.timeout = timeout
        self.depth = depth
    }

    /// What `policies.engine_for(url, request)` sees of this request.
    var policyView: JSONObject {
        var view: JSONObject = ["url": .string(url), "extract": .bool(extract), "depth": .int(Int64(depth))]
        if let engine { view["engine"] = .string(engine) }
        if let config { view["config"] = .object(config) }
        if let js = browser.js { view["js"] = .string(js) }
        if browser.screenshot { view["screenshot"] = true }
        if browser.pdf { view["pdf"] = true }
        if let waitUntil = browser.waitUntil { view["wait_until"] = .string(waitUntil.rawValue) }
        if let waitFor = browser.waitFor { view["wait_for"] = .string(waitFor) }
        return view
    }
}
