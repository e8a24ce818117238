/// What one render asks for beyond the HTML. Not part of the signature: these
/// vary per request on the same browser.
public struct RenderOptions: Sendable, Hashable {
    /// After load, wait until `document.querySelector(waitForSelector)` matches.
    public var waitForSelector: String?
    /// After load, wait for Chromium's `networkIdle` (no connection for 500 ms).
    public var waitForNetworkIdle = false
    /// A script run after load (and the waits); its JSON result comes back as
    /// `RenderResult.scriptResult`. A promise is awaited.
    public var script: String?
    /// Capture the viewport as a PNG.
    public var screenshot = false
    /// Print the page to PDF.
    public var pdf = false
    /// The request's deadline; nil uses the configuration's `timeout_ms`.
    public var timeout: Duration?

    public init(
        waitForSelector: String? = nil, waitForNetworkIdle: Bool = false, script: String? = nil,
        screenshot: Bool = false, pdf: Bool = false, timeout: Duration? = nil
    ) {
        self.waitForSelector = waitForSelector
        self.waitForNetworkIdle = waitForNetworkIdle
        self.script = script
        self.screenshot = screenshot
        self.pdf = pdf
        self.timeout = timeout
    }
}
