import JSON
import Testing
import TestSupport

/// The `crawl` op's `session` through the real binary and real Chromium: a
/// session is one connection's, whatever another connection names its own,
/// and a bad name gets a clear error.
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
}
