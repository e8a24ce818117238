import FoundationEssentials
import JSON
import MCP

/// crawld's work as MCP tools, each one line-protocol op (or, for `crawl_many`, many), run by
/// a `CrawldOpCaller` (the stdio bridge's connection or the HTTP side's dispatcher):
/// `crawl`, `crawl_many`, `job_submit`, `job_status`, `job_results` and `health`.
///
/// A tool's arguments are passed to the op as its parameters, so the daemon checks them
/// exactly as it checks a client's and its `bad_request` comes back as the tool's error
/// (`isError`, with the wire code and message). Answers come back as text: the page's
/// Markdown (`fit_markdown`, which `crawl` asks for by default, or `markdown`) as a text item
/// of its own, then the rest of the answer as JSON; a screenshot as an image item.
public struct CrawldTools: Sendable {
    let ops: any CrawldOpCaller

    public init(ops: any CrawldOpCaller) {
        self.ops = ops
    }

    /// Pages of one `crawl_many` in flight at once on the shared connection.
    static let manyInFlight = 8

    static let definitions: [Tool] = [
        Tool(
            name: "crawl", description: "Fetch one web page through crawld and return its main content as Markdown (fit_markdown) and what else is asked.",
            inputSchema: schema(
                required: ["url"],
                [
                    "url": ["type": "string", "description": "absolute http(s) URL"],
                    "formats": ["type": "array", "items": ["type": "string", "enum": ["fit_markdown", "markdown", "text", "html", "links"]], "description": "default [\"fit_markdown\"]"],
                    "query": ["type": "string", "description": "keep only the blocks of fit_markdown relevant to this (BM25)"],
                    "engine": ["type": "string", "enum": ["http", "browser"]],
                    "screenshot": ["type": "boolean", "description": "browser engine: a PNG of the page"],
                    "wait_until": ["type": "string", "enum": ["domcontentloaded", "load", "networkidle"], "description": "browser engine: the page event to wait for"],
                    "wait_for": ["type": "string", "description": "browser engine: a CSS selector to wait for"],
                    "session": [
                        "type": "string",
                        "description": "browser engine: renders of this MCP session with the same session name share cookies and storage and are faster",
                    ],
                    "timeout_ms": ["type": "integer"],
                ])),
        Tool(
            name: "crawl_many", description: "Fetch several pages at once; results are listed in the order they finished.",
            inputSchema: schema(
                required: ["urls"],
                [
                    "urls": ["type": "array", "items": ["type": "string"]],
                    "formats": ["type": "array", "items": ["type": "string"]],
                    "query": ["type": "string"],
                    "engine": ["type": "string", "enum": ["http", "browser"]],
                ])),
        Tool(
            name: "job_submit", description: "Start a crawl job over a site (follows links within scope); returns the job id.",
            inputSchema: schema(
                required: ["urls"],
                [
                    "urls": ["type": "array", "items": ["type": "string"]],
                    "follow_links": ["type": "boolean"], "max_pages": ["type": "integer"], "max_depth": ["type": "integer"],
                    "scope": ["type": "string", "enum": ["same_host", "same_domain", "any"]],
                    "formats": ["type": "array", "items": ["type": "string", "enum": ["fit_markdown", "markdown", "text"]]],
                    "query": ["type": "string"],
                ])),
        Tool(name: "job_status", description: "A job's state and progress.", inputSchema: schema(required: ["job"], ["job": ["type": "string"]])),
        Tool(
            name: "job_results", description: "A page of a job's records; pass `next` back as `cursor` for the following page.",
            inputSchema: schema(
                required: ["job"],
                [
                    "job": ["type": "string"], "cursor": ["type": "string"], "offset": ["type": "integer"], "limit": ["type": "integer"],
                ])),
        Tool(name: "health", description: "crawld's health: memory, pool, Redis link, scripts.", inputSchema: schema(required: [], [:])),
    ]

    /// The op each single-request tool is.
    private static let ops = ["crawl": "crawl", "job_submit": "job.submit", "job_status": "job.status", "job_results": "job.results", "health": "monitor.health"]

    func call(_ name: String, arguments: [String: Value]?) async throws -> CallTool.Result {
        var parameters = try Self.json(arguments ?? [:])
        switch name {
        case "crawl_many":
            return try await crawlMany(parameters)
        case "crawl":
            if parameters["formats"] == nil { parameters["formats"] = ["fit_markdown"] }
            fallthrough
        default:
            guard let op = Self.ops[name] else { return .init(content: [Self.text("unknown tool '\(name)'")], isError: true) }
            parameters["op"] = .string(op)
            return Self.result(try await ops.request(parameters))
        }
    }

    /// Every URL as a `crawl` of its own, `manyInFlight` at a time; each page is a text item,
    /// in the order the pages finished.
    private func crawlMany(_ parameters: JSONObject) async throws -> CallTool.Result {
        guard let urls = parameters["urls"]?.arrayValue, !urls.isEmpty else {
            return .init(content: [Self.text("bad_request: 'urls' must be a non-empty array of URLs")], isError: true)
        }
        var shared = parameters
        shared.removeValue(forKey: "urls")
        shared["op"] = "crawl"
        if shared["formats"] == nil { shared["formats"] = ["fit_markdown"] }
        var content: [Tool.Content] = []
        try await withThrowingTaskGroup(of: CallTool.Result.self) { group in
            var pending = urls[...]
            func startNext() {
                guard let url = pending.popFirst() else { return }
                var request = shared
                request["url"] = url
                group.addTask { [ops, request] in Self.result(try await ops.request(request)) }
            }
            for _ in 0..<Self.manyInFlight { startNext() }
            while let page = try await group.next() {
                content += page.content
                startNext()
            }
        }
        return .init(content: content, isError: false)
    }

    /// An answer as tool content: an error's code and message, or the Markdown, the rest as
    /// JSON, and the screenshot as an image.
    static func result(_ answer: JSONObject) -> CallTool.Result {
        if answer["ok"] == false {
            let error = answer["error"]?.objectValue
            let code = error?["code"]?.stringValue ?? "internal"
            return .init(content: [Self.text("\(code): \(error?["message"]?.stringValue ?? code)")], isError: true)
        }
        var rest = answer
        rest.removeValue(forKey: "ok")
        rest.removeValue(forKey: "id")
        var content: [Tool.Content] = []
        for key in ["fit_markdown", "markdown"] {
            if let markdown = rest.removeValue(forKey: key)?.stringValue { content.append(Self.text(markdown)) }
        }
        let screenshot = rest.removeValue(forKey: "screenshot")?.stringValue
        content.append(Self.text(JSONValue.object(rest).encodedString()))
        if let screenshot { content.append(.image(data: screenshot, mimeType: "image/png", annotations: nil, _meta: nil)) }
        return .init(content: content, isError: false)
    }

    /// A plain text item.
    static func text(_ text: String) -> Tool.Content {
        .text(text: text, annotations: nil, _meta: nil)
    }

    /// MCP's values as crawld's JSON (through their common JSON text).
    static func json(_ arguments: [String: Value]) throws -> JSONObject {
        let data = try JSONEncoder().encode(arguments)
        return try JSONValue.parse(Array(data)).objectValue ?? [:]
    }

    private static func schema(required: [String], _ properties: [String: Value]) -> Value {
        .object(["type": "object", "properties": .object(properties), "required": .array(required.map(Value.string))])
    }
}
