import JSON

/// What `policies.escalate(url, page)` sees of an HTTP result: enough to tell
/// an empty JavaScript shell (a `<div id="app">` and scripts) from a page
/// that carries its content, without handing the script the document.
public struct EscalationFacts: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    /// The body's size in bytes.
    public var bytes: Int
    public var title: String?
    /// Characters of visible text (what the `text` format would hold).
    public var textLength: Int
    /// `<script>` elements in the document.
    public var scripts: Int
    /// Links in the document.
    public var links: Int

    public init(status: Int, contentType: String?, bytes: Int, title: String?, textLength: Int, scripts: Int, links: Int) {
        self.status = status
        self.contentType = contentType
        self.bytes = bytes
        self.title = title
        self.textLength = textLength
        self.scripts = scripts
        self.links = links
    }

    /// The `page` table the hook gets.
    var json: JSONObject {
        var object: JSONObject = [
            "status": .int(Int64(status)), "bytes": .int(Int64(bytes)), "text_length": .int(Int64(textLength)),
            "scripts": .int(Int64(scripts)), "links": .int(Int64(links)),
        ]
        if let contentType { object["content_type"] = .string(contentType) }
        if let title { object["title"] = .string(title) }
        return object
    }

    /// What validation probes the hook with: a script-built shell, then a page with its content.
    static let emptyShellProbe = EscalationFacts(
        status: 200, contentType: "text/html", bytes: 300, title: "App", textLength: 0, scripts: 2, links: 0
    )
    static let fullPageProbe = EscalationFacts(
        status: 200, contentType: "text/html; charset=utf-8", bytes: 40_000, title: "Example", textLength: 8_000, scripts: 1, links: 60
    )
}
