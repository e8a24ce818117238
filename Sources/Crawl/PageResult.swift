import Engines
import JSON
import Pool

/// Everything one crawled page yields; `json` is the `crawl` answer's fields.
public struct PageResult: Sendable {
    public var url: String
    public var finalURL: String
    public var status: Int
    public var contentType: String?
    public var bytes: Int
    public var headers: ResponseHeaders
    public var title: String?
    /// The page's links; empty unless `formats` has `.links`.
    public var links: [String]
    /// What extract.lua returned; null when extraction was off or the body is not HTML.
    public var data: JSONValue
    public var html: String?
    public var text: String?
    public var markdown: String?
    public var fitMarkdown: String?
    /// The SHA-256 of the body as received, in lowercase hex; only when the request asked (`digestsBody`).
    public var contentSHA256: String?
    /// The browser's answers to `js`, `screenshot` and `pdf` (base64), when asked.
    public var browser = BrowserOutput()
    public var engine: String
    public var pool: PoolUse
    public var timing: PageTiming
    public var formats: Set<CrawlRequest.Format>

    /// What only the browser engine gives.
    public struct BrowserOutput: Sendable {
        public var js: JSONValue?
        public var screenshot: String?
        public var pdf: String?
        /// The JavaScript dialogs the page opened (each dismissed); nil from the HTTP engine.
        public var dialogs: [JavaScriptDialog]?
    }

    /// Which engine served the page, as `pool` in the answer.
    public struct PoolUse: Sendable {
        public var tier: PoolTier
        public var hit: Bool
        public var signature: EngineSignature
    }

    /// Where the time went, in the answer's `timing_ms`.
    public struct PageTiming: Sendable {
        public var queue: Duration = .zero
        public var fetch: Duration = .zero
        public var parse: Duration = .zero
        public var extract: Duration = .zero
        public var total: Duration = .zero
    }

    /// The answer's fields, in the order a person reads them.
    public var json: JSONObject {
        var object: JSONObject = [
            "url": .string(url),
            "final_url": .string(finalURL),
            "status": .int(Int64(status)),
            "content_type": contentType.map(JSONValue.string) ?? .null,
            "bytes": .int(Int64(bytes)),
            "title": title.map(JSONValue.string) ?? .null,
        ]
        if formats.contains(.links) { object["links"] = .array(links.map(JSONValue.string)) }
        object["data"] = data
        if formats.contains(.html) { object["html"] = html.map(JSONValue.string) ?? .null }
        if formats.contains(.text) { object["text"] = text.map(JSONValue.string) ?? .null }
        if formats.contains(.markdown) { object["markdown"] = markdown.map(JSONValue.string) ?? .null }
        if formats.contains(.fitMarkdown) { object["fit_markdown"] = fitMarkdown.map(JSONValue.string) ?? .null }
        if let js = browser.js { object["js"] = js }
        if let screenshot = browser.screenshot { object["screenshot"] = .string(screenshot) }
        if let pdf = browser.pdf { object["pdf"] = .string(pdf) }
        if let dialogs = browser.dialogs {
            object["dialogs"] = .array(dialogs.map { ["type": .string($0.type), "message": .string($0.message)] })
        }
        object["engine"] = .string(engine)
        object["pool"] = ["tier": .string(pool.tier.rawValue), "hit": .bool(pool.hit), "sig": .string(pool.signature.short)]
        object["timing_ms"] = [
            "queue": Self.milliseconds(timing.queue), "fetch": Self.milliseconds(timing.fetch),
            "parse": Self.milliseconds(timing.parse), "extract": Self.milliseconds(timing.extract),
            "total": Self.milliseconds(timing.total),
        ]
        return object
    }

    private static func milliseconds(_ duration: Duration) -> JSONValue {
        let (seconds, attoseconds) = duration.components
        let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return .double((ms * 1000).rounded() / 1000)
    }
}
