import Foundation
import JSON
import Testing
import TestSupport

/// `/mcp` on the `--http` listener, driven by the real MCP client from PyPI
/// (`Tests/Servers/mcp_http_client.py`, its Streamable HTTP transport) and by
/// a plain HTTP client for what an agent would not send: the same tools as
/// `crawld mcp`, the listener's token and Origin checks before any tool runs,
/// and the transport's session and method rules.
@Suite struct DaemonMCPHTTPTests {
    /// The first message of every session, as a client sends it.
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    /// A daemon with `--http` and the token `s3cret-token`, a page on loopback, and its URL.
    private func withDaemon<T>(_ body: (DaemonProcess, HTTPTestClient, String) async throws -> T) async throws -> T {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try DaemonMCPTests.page.write(to: folder.url.appendingPathComponent("kettle.html"), atomically: true, encoding: .utf8)
        let tokenFile = try folder.write("token", "s3cret-token\n")
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0", "--token-file", tokenFile,
        ])
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        return try await withTestHTTPServer(root: folder.path) { server in try await body(daemon, http, server.url("/kettle.html")) }
    }

    /// Runs the Python client against `/mcp`; returns what it printed.
    private func client(_ mcp: String, page: String, token: String?) throws -> JSONObject {
        try DaemonMCPTests.runClient("mcp_http_client.py", [mcp, page] + (token.map { [$0] } ?? []))
    }

    private func texts(_ result: JSONValue?) -> [String] {
        result?.objectValue?["texts"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The endpoint's requests counted by op, from the line protocol.
    private func opCount(_ op: String, _ daemon: DaemonProcess) async throws -> JSONValue? {
        try await daemon.withClient { client in
            _ = try await client.request(["op": "auth", "token": "s3cret-token"])
            return try await client.request(["op": "monitor.endpoints"]).answer["ops"]?.objectValue?[op]?.objectValue?["count"]
        }
    }

    @Test func realClientListsTheToolsAndCrawlsAPageOverStreamableHTTP() async throws {
        try await withDaemon { daemon, http, page in
            let seen = try client(http.base + "/mcp", page: page, token: "s3cret-token")
            #expect(seen["error"] == nil, "\(seen)")
            #expect(seen["server"] == "crawld")
            #expect(seen["tools"] == ["crawl", "crawl_many", "health", "job_results", "job_status", "job_submit"])
            #expect(seen["crawl_arguments"] == ["engine", "formats", "query", "screenshot", "session", "timeout_ms", "url", "wait_for", "wait_until"])
            #expect(seen["crawl"]?.objectValue?["is_error"] == false)
            #expect(texts(seen["crawl"]).first == "# Descaling a kettle\n\nCitric acid removes the white crust from the element without any smell.\n")
            #expect(texts(seen["crawl"]).last?.contains(#""status":200"#) == true)
            #expect(texts(seen["refused"]).first?.hasPrefix("invalid_url: ") == true && seen["refused"]?.objectValue?["is_error"] == true)
            #expect(texts(seen["health"]).first?.contains("\"pool\"") == true)
            // The tools ran in process, through the dispatcher: the monitor recorded them like any request.
            #expect(try await opCount("crawl", daemon) == 2, "the page and the refused URL")
        }
    }

    @Test func withoutTheTokenTheClientGets401AndNoToolRuns() async throws {
        try await withDaemon { daemon, http, page in
            let seen = try client(http.base + "/mcp", page: page, token: nil)
            #expect(seen["statuses"]?.arrayValue?.contains(401) == true, "\(seen)")
            #expect(seen["tools"] == nil)
            var wrong = http
            wrong.token = "s3cret-tokem"
            let refused = try await wrong.post("/mcp", body: Self.initialize, headers: [("Accept", "application/json, text/event-stream")])
            #expect(refused.status == 401 && refused.errorCode == "unauthorized")
            let call = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crawl","arguments":{"url":"\#(page)"}}}"#
            #expect(try await http.post("/mcp", body: call, headers: [("Accept", "application/json")]).status == 401)
            #expect(try await opCount("crawl", daemon) == nil, "no crawl ran")
        }
    }

    @Test func aForeignOriginIsRefusedAndSessionsFollowTheTransportsRules() async throws {
        try await withDaemon { daemon, anonymous, _ in
            var http = anonymous
            http.token = "s3cret-token"
            let accept = ("Accept", "application/json, text/event-stream")
            // DNS rebinding: a page of another site that reached this listener, token or not.
            let foreign = try await http.post("/mcp", body: Self.initialize, headers: [accept, ("Origin", "http://evil.example")])
            #expect(foreign.status == 403 && foreign.errorCode == "forbidden")
            #expect(try await http.send(.DELETE, "/mcp", headers: [("Origin", "http://evil.example"), ("Mcp-Session-Id", "x")]).status == 403)
            let host = http.authority
            let opened = try await http.post("/mcp", body: Self.initialize, headers: [accept, ("Origin", "http://\(host)")])
            #expect(opened.status == 200, "\(opened.body)")
            #expect(opened.headers["Content-Type"].first?.hasPrefix("application/json") == true)
            let session = try #require(opened.headers["Mcp-Session-Id"].first)
            let list = #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#
            let listed = try await http.post("/mcp", body: list, headers: [accept, ("Mcp-Session-Id", session)])
            #expect(listed.json["result"]?.objectValue?["tools"]?.arrayValue?.count == 6, "\(listed.body)")
            // Without a session, only `initialize` is taken; an unknown session is 404, so a client starts over.
            #expect(try await http.post("/mcp", body: list, headers: [accept]).status == 400)
            #expect(try await http.post("/mcp", body: list, headers: [accept, ("Mcp-Session-Id", "no-such-session")]).status == 404)
            // crawld streams nothing unasked: GET is 405 and says what is allowed.
            let get = try await http.get("/mcp", headers: [("Accept", "text/event-stream"), ("Mcp-Session-Id", session)])
            #expect(get.status == 405 && get.headers["Allow"].first == "POST, DELETE")
            #expect(try await http.send(.DELETE, "/mcp", headers: [("Mcp-Session-Id", session)]).status == 200)
            #expect(try await http.post("/mcp", body: list, headers: [accept, ("Mcp-Session-Id", session)]).status == 404)
            #expect(try await opCount("crawl", daemon) == nil)
        }
    }

    /// Agents rarely end their sessions: at 64 the least recently used one is
    /// closed, so a daemon that runs for months does not keep them all.
    @Test func theOldestSessionGoesPastTheLimit() async throws {
        try await withDaemon { _, anonymous, _ in
            var http = anonymous
            http.token = "s3cret-token"
            let accept = ("Accept", "application/json, text/event-stream")
            let list = #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#
            var sessions: [String] = []
            for _ in 0..<65 {
                let opened = try await http.post("/mcp", body: Self.initialize, headers: [accept])
                sessions.append(try #require(opened.headers["Mcp-Session-Id"].first, "\(opened.status) \(opened.body)"))
            }
            #expect(try await http.post("/mcp", body: list, headers: [accept, ("Mcp-Session-Id", sessions[0])]).status == 404)
            #expect(try await http.post("/mcp", body: list, headers: [accept, ("Mcp-Session-Id", sessions[1])]).status == 200)
            #expect(try await http.post("/mcp", body: list, headers: [accept, ("Mcp-Session-Id", sessions[64])]).status == 200)
        }
    }
}
