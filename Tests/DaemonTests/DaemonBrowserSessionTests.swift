import JSON
import Testing
import TestSupport

/// The `crawl` op's `session` through the real binary and real Chromium: a
/// session is one connection's, whatever another connection (or an `/mcp`
/// tool call) names its own, and a bad name gets a clear error.
///
/// A session shows here by its cookie, which its context keeps as long as the
/// session lives. Whether it also keeps its page (a tab's `window.name`) is
/// `BrowserSessionTests`' to check: the daemon disposes a kept page idle 5 s or
/// slow to freeze within 1 s, windows a test cannot set for the daemon and a
/// stalled runner can outlast (a CI run did, and lost the tab but not the cookie).
@Suite(.serialized) struct DaemonBrowserSessionTests {
    private static func crawl(_ server: PageServer, session: JSONValue, js: String) -> JSONValue {
        ["op": "crawl", "url": .string(server.url("/small")), "engine": "browser", "session": session, "js": .string(js), "extract": false, "formats": ["html"]]
    }

    @Test func aSessionIsOneConnectionsAndBadNamesAreRefused() async throws {
        let server = try await PageServer()
        defer { server.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { first in
            try await daemon.withClient { second in
                let look = Self.crawl(server, session: "s", js: "document.cookie")
                let marked = try await first.request(Self.crawl(server, session: "s", js: "document.cookie = 'visit=1; path=/'; true")).answer
                #expect(marked["ok"] == true, "\(marked)")
                let same = try await first.request(look).answer
                #expect(same["js"] == "visit=1", "the connection's session lost its cookie: \(same)")
                let other = try await second.request(look).answer
                #expect(other["ok"] == true, "\(other)")
                #expect(other["js"] == "", "another connection's session of the same name saw the first one's: \(other)")

                for bad: JSONValue in ["", .string(String(repeating: "s", count: 65)), 3] {
                    let answer = try await second.request(Self.crawl(server, session: bad, js: "1")).answer
                    let error = answer["error"]?.objectValue
                    #expect(error?["code"] == "bad_request", "\(bad): \(answer)")
                    #expect(error?["message"]?.stringValue?.contains("session") == true, "\(bad): \(answer)")
                }
                #expect(try await second.request(["op": "ping"]).answer["ok"] == true)
            }
        }
    }

    /// One client address keeps at most 8 sessions, however many connections
    /// it opens: the ninth connection's session is not kept (its renders get
    /// fresh contexts), and the daemon answers on.
    @Test func oneAddressKeepsAtMostEightSessions() async throws {
        let server = try await PageServer()
        defer { server.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        var clients: [LineClient] = []
        for _ in 0..<9 { clients.append(try await daemon.connect()) }
        let mark = Self.crawl(server, session: "s", js: "document.cookie = 'visit=1; path=/'; true")
        let look = Self.crawl(server, session: "s", js: "document.cookie")
        for client in clients {
            let marked = try await client.request(mark).answer
            #expect(marked["ok"] == true, "\(marked)")
        }
        #expect(try await clients[0].request(look).answer["js"] == "visit=1", "a session within the bound was not kept")
        let ninth = try await clients[8].request(look).answer
        #expect(ninth["ok"] == true && ninth["js"] == "", "the ninth connection's session was kept: \(ninth)")
        for client in clients { await client.close() }
    }

    /// An `/mcp` session is to its agent what a connection is to a line
    /// client: its calls that name a session share it, and neither another
    /// MCP session nor a line connection sees it, whatever name they use.
    /// The HTTP side's sessions were once numbered apart from the line
    /// connections, both from 1, so the first MCP call joined line connection 1's session.
    @Test func anMCPSessionKeepsItsOwnBrowserSessions() async throws {
        let server = try await PageServer()
        defer { server.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"])
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        let accept = ("Accept", "application/json, text/event-stream")
        /// Opens an MCP session; returns a function that renders the page in browser session "s" with `js`.
        func mcpSession() async throws -> (String) async throws -> String {
            let opened = try await http.post("/mcp", body: DaemonMCPHTTPTests.initialize, headers: [accept])
            let id = try #require(opened.headers["Mcp-Session-Id"].first, "\(opened.status) \(opened.body)")
            return { js in
                let arguments: JSONValue = ["url": .string(server.url("/small")), "engine": "browser", "session": "s", "js": .string(js), "formats": ["html"]]
                let call: JSONValue = ["jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": ["name": "crawl", "arguments": arguments]]
                let answer = try await http.post("/mcp", body: call.encodedString(), headers: [accept, ("Mcp-Session-Id", id)])
                let result = answer.json["result"]?.objectValue
                #expect(result?["isError"] == false, "\(answer.body)")
                // The answer's JSON item (the last text) holds the script's result.
                let rest = result?["content"]?.arrayValue?.last?.objectValue?["text"]?.stringValue ?? ""
                return (try? JSONValue.parse(rest))?.objectValue?["js"]?.stringValue ?? "no js in \(answer.body)"
            }
        }
        try await daemon.withClient { line in
            let marked = try await line.request(Self.crawl(server, session: "s", js: "document.cookie = 'who=line; path=/'; true")).answer
            #expect(marked["ok"] == true, "\(marked)")
            let first = try await mcpSession()
            _ = try await first("document.cookie = 'who=first; path=/'; true")
            #expect(try await first("document.cookie") == "who=first", "the MCP session's second call did not share its first one's session")
            let second = try await mcpSession()
            #expect(try await second("document.cookie") == "", "another MCP session saw the first one's session")
            let look = try await line.request(Self.crawl(server, session: "s", js: "document.cookie")).answer
            #expect(look["js"] == "who=line", "the line client's session was joined: \(look)")
        }
    }
}
