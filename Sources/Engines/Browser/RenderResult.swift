import JSON

/// One rendered page: the DOM after scripts ran, and what was asked besides.
///
/// As with HTTP, a 404 or 500 main response is a result, not an error.
public struct RenderResult: Sendable {
    /// The URL asked for.
    public var url: String
    /// The main frame's URL after redirects and script navigations.
    public var finalURL: String
    /// The HTTP status of the main document's response; 0 when there was
    /// none (a `data:` URL, or a page served from a service worker).
    public var status: Int
    /// The main response's MIME type (`text/html`), when known.
    public var mimeType: String?
    /// The document serialised after load: doctype and `outerHTML`.
    public var html: String
    /// What the options' `script` returned (JSON; `null` for `undefined`).
    public var scriptResult: JSONValue?
    /// The viewport as PNG, base64, when asked.
    public var screenshotBase64: String?
    /// The page as PDF, base64, when asked.
    public var pdfBase64: String?
    /// From the call to `render` until the result was ready.
    public var duration: Duration
    /// The JavaScript dialogs the page opened, each dismissed (see `JavaScriptDialog`).
    public var dialogs: [JavaScriptDialog] = []

    public init(
        url: String, finalURL: String, status: Int, mimeType: String?, html: String,
        scriptResult: JSONValue?, screenshotBase64: String?, pdfBase64: String?, duration: Duration
    ) {
        self.url = url
        self.finalURL = finalURL
        self.status = status
        self.mimeType = mimeType
        self.html = html
        self.scriptResult = scriptResult
        self.screenshotBase64 = screenshotBase64
        self.pdfBase64 = pdfBase64
        self.duration = duration
    }
}
