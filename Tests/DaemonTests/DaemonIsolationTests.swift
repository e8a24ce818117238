import Foundation
import JSON
import Testing
import TestSupport

/// Two clients of one real daemon: what one sends never shapes the other's
/// request, and `--deny-private` answers the same for open and closed ports.
@Suite struct DaemonIsolationTests {
    static var scripts: String { DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path }

    private func errorCode(_ answer: JSONObject) -> String? {
        answer["error"]?.objectValue?["code"]?.stringValue
    }

    /// Client B's config is deeper than Lua takes but within what JSON
    /// parses: it is refused with `bad_request`, and is not served with the
    /// choice made for client A (whose header the server would echo).
    @Test func aConfigTooDeepForLuaNeverGetsAnotherClientsHeaders() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", Self.scripts, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            let a = try await daemon.connect()
            let b = try await daemon.connect()
            let asA: JSONObject = [
                "id": 1, "op": "crawl", "url": .string(server.url("/headers")), "extract": false, "formats": ["text"],
                "config": ["headers": ["authorization": "Bearer client-a"]],
            ]
            let first = try await a.request(.object(asA)).answer
            #expect(first["text"]?.stringValue?.contains("Bearer client-a") == true)

            var asB = asA
            asB["config"] = .object(nestedObject(levels: 300))
            let second = try await b.request(.object(asB)).answer
            #expect(errorCode(second) == "bad_request")
            #expect(second["error"]?.objectValue?["message"]?.stringValue?.hasPrefix("'config' nests deeper than 32 levels") == true)
            #expect(second["text"] == nil)

            // A proxy URL of the client's own is refused the same way, open port or not.
            for proxy in ["http://127.0.0.1:\(server.port)", "http://127.0.0.1:1"] {
                asB["config"] = ["proxy": .string(proxy)]
                #expect(errorCode(try await b.request(.object(asB)).answer) == "bad_request")
            }
            await a.close()
            await b.close()
        }
    }

    @Test func denyPrivateAnswersBlockedAddressForOpenAndClosedPortsAlike() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", Self.scripts, "--redis", "none", "--deny-private"])
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            let client = try await daemon.connect()
            var errors: [JSONObject] = []
            for (id, url) in [server.url("/status/200"), "http://127.0.0.1:1/status/200"].enumerated() {
                let answer = try await client.request(["id": .int(Int64(id)), "op": "crawl", "url": .string(url)]).answer
                errors.append(try #require(answer["error"]?.objectValue))
            }
            #expect(errors.map { $0["code"] } == ["blocked_address", "blocked_address"])
            #expect(errors[0]["message"] == errors[1]["message"])
            await client.close()
        }
    }
}
