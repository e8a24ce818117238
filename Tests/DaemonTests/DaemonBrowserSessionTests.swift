import JSON
import Testing
import TestSupport

/// The `crawl` op's `session` through the real binary and real Chromium: a
/// session is one connection's, whatever another connection (or an `/mcp`
/// tool call) names its own, and a bad name gets a clear error.
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
                let look = Self.crawl(server, session: "s", js: "[document.cookie, window.name]")
                let marked = try await first.request(Self.crawl(server, session: "s", js: "document.cookie = 'visit=1; path=/'; window.name = 'kept'; true")).answer
                #expect(marked["ok"] == true, "\(marked)")
                let same = try await first.request(look).answer
                #expect(same["js"] == ["visit=1", "kept"], "the connection's session lost its cookie or tab: \(same)")
                let other = try await second.request(look).answer
                #expect(other["ok"] == true, "\(other)")
                #expect(other["js"] == ["", ""], "another connection's session of the same name saw the first one's: \(other)")

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

    /// An `/mcp` tool call runs on a session of its own, numbered apart from
    /// the line connections: a call that names a line client's session gets
    /// none of its cookies. The calls' numbers once started at 1, as the
    /// connections' did, so one of the first calls joined the line client's session.
    @Test func anMCPCallNeverJoinsALineConnectionsSession() async throws {
        let server = try await PageServer()
        defer { server.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"])
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        try await daemon.withClient { line in
            let marked = try await line.request(Self.crawl(server, session: "s", js: "document.cookie = 'visit=1; path=/'; true")).answer
            #expect(marked["ok"] == true, "\(marked)")
            let accept = ("Accept", "application/json, text/event-stream")
            let opened = try await http.post("/mcp", body: DaemonMCPHTTPTests.initialize, headers: [accept])
            let mcp = try #require(opened.headers["Mcp-Session-Id"].first, "\(opened.status) \(opened.body)")
            let arguments = #"{"url":"\#(server.url("/small"))","engine":"browser","session":"s","js":"document.cookie","formats":["html"]}"#
            for id in 2..<14 {
                let call = #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"crawl","arguments":\#(arguments)}}"#
                let answer = try await http.post("/mcp", body: call, headers: [accept, ("Mcp-Session-Id", mcp)])
                #expect(answer.json["result"]?.objectValue?["isError"] == false, "\(answer.body)")
                #expect(!answer.body.contains("visit=1"), "call \(id) rendered in the line client's session: \(answer.body)")
            }
        }
    }
}
