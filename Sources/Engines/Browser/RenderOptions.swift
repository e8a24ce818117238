/// What one render asks for beyond the HTML. Not part of the signature: these
/// vary per request on the same browser.
public struct RenderOptions: Sendable, Hashable {
    /// The page event a render waits for before it reads the page (the
    /// `crawl` op's `wait_until`). A crawl reads the DOM, so it rarely needs
    /// more than `domContentLoaded`; `load` waits for every image and
    /// stylesheet too, and `networkIdle` for 500 ms without a request.
    public enum WaitUntil: String, Sendable, Hashable, CaseIterable {
        case domContentLoaded = "domcontentloaded"
        case load
        case networkIdle = "networkidle"

        /// The Chromium lifecycle events (`Page.lifecycleEvent` names) that must all have been seen.
        var lifecycleEvents: Set<String> {
            switch self {
            case .domContentLoaded: ["DOMContentLoaded"]
            case .load: ["load"]
            case .networkIdle: ["load", "networkIdle"]
            }
        }
    }

    /// After the page event, wait until `document.querySelector(waitForSelector)` matches.
    public var waitForSelector: String?
    /// The page event to wait for; `load` unless the request says otherwise.
    public var waitUntil = WaitUntil.load
    /// A script run after load (and the waits); its JSON result comes back as
    /// `RenderResult.scriptResult`. A promise is awaited.
    public var script: String?
    /// Capture the viewport as a PNG.
    public var screenshot = false
    /// Print the page to PDF.
    public var pdf = false
    /// The request's deadline; nil uses the configuration's `timeout_ms`.
    public var timeout: Duration?
    /// The browser session the render belongs to, nil for none: renders of one
    /// session share a browser context and reuse its pages, so their renderers
    /// stay warm (see `BrowserEngine+Sessions`). The key's owner is whoever
    /// may share it (a connection, a job).
    public var session: BrowserSessionKey?

    public init(
        waitForSelector: String? = nil, waitUntil: WaitUntil = .load, script: String? = nil,
        screenshot: Bool = false, pdf: Bool = false, timeout: Duration? = nil, session: BrowserSessionKey? = nil
    ) {
        self.waitForSelector = waitForSelector
        self.waitUntil = waitUntil
        self.script = script
        self.screenshot = screenshot
        self.pdf = pdf
        self.timeout = timeout
        self.session = session
    }
}
