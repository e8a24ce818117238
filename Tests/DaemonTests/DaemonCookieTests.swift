import Foundation
import JSON
import Testing
import TestSupport

/// Cookies stay with the connection that received them, through the real
/// binary: both clients' crawls run on the one permanent HTTP engine.
@Suite struct DaemonCookieTests {
    @Test func oneConnectionsSessionCookieNeverReachesAnother() async throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let daemon = try await DaemonProcess.start(arguments: ["--config", scripts, "--redis", "none"])
        try await withTestHTTPServer { server in
            let a = try await daemon.connect()
            let b = try await daemon.connect()
            let echo: JSONValue = ["op": "crawl", "url": .string(server.url("/echo-cookie")), "formats": ["text"], "extract": false]

            let set = try await a.request(["op": "crawl", "url": .string(server.url("/set-cookie?session=client-a")), "extract": false]).answer
            #expect(set["ok"] == true)
            let own = try await a.request(echo).answer
            #expect(own["text"] == #"{"cookie": "session=client-a"}"#)

            let other = try await b.request(echo).answer
            #expect(other["ok"] == true)
            #expect(other["text"] == #"{"cookie": ""}"#)
            await a.close()
            await b.close()
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// A crawld with an output folder and a client on it, beside the test
    /// server; `body` gets the folder's output file `name`'s records after
    /// what it ran. Stops the daemon, which must exit cleanly.
    private func withJobDaemon(_ body: (LineClient, TestHTTPServer, _ records: (String) throws -> [JSONValue]) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", "none", "--output-dir", folder.url.appendingPathComponent("output").path,
            "--state-dir", folder.url.appendingPathComponent("state").path,
        ])
        try await withTestHTTPServer { server in
            try await daemon.withClient { client in
                try await body(client, server) { name in
                    try String(contentsOf: folder.url.appendingPathComponent("output/\(name)"), encoding: .utf8)
                        .split(separator: "\n").map { try JSONValue.parse(String($0)) }
                }
            }
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// A job's pages share the job's own jar: the job sees the cookie one of its
    /// pages set, not the submitting connection's; that connection never sees the job's.
    @Test func aJobKeepsItsCookiesToItself() async throws {
        try await withJobDaemon { client, server, records in
            let echo: JSONValue = ["op": "crawl", "url": .string(server.url("/echo-cookie")), "formats": ["text"], "extract": false]
            _ = try await client.request(["op": "crawl", "url": .string(server.url("/set-cookie?session=client")), "extract": false])

            let done = try await client.request([
                "op": "job.submit", "urls": [.string(server.url("/set-cookie?job=1")), .string(server.url("/echo-cookie"))],
                "concurrency": 1, "obey_robots": false, "output": "cookies.jsonl", "watch": true,
            ]).answer
            #expect(done["state"] == "completed")
            let echoed = try records("cookies.jsonl").first { $0.objectValue?["url"]?.stringValue == server.url("/echo-cookie") }
            #expect(echoed?.objectValue?["data"]?.objectValue?["json"]?.objectValue?["cookie"] == "job=1")

            #expect(try await client.request(echo).answer["text"] == #"{"cookie": "session=client"}"#)
        }
    }

    /// A browser job's pages share a browser session, so the browser sees
    /// the cookie one of the job's pages set, as the HTTP engine does.
    @Test func aBrowserJobsPagesShareTheirCookies() async throws {
        try await withJobDaemon { client, server, records in
            let done = try await client.request([
                "op": "job.submit", "urls": [.string(server.url("/set-cookie?job=1")), .string(server.url("/echo-cookie"))],
                "engine": "browser", "concurrency": 1, "obey_robots": false, "extract": false, "formats": ["text"],
                "output": "browser.jsonl", "watch": true,
            ]).answer
            #expect(done["state"] == "completed", "\(done)")
            let all = try records("browser.jsonl")
            let echoed = all.first { $0.objectValue?["url"]?.stringValue == server.url("/echo-cookie") }
            #expect(echoed?.objectValue?["text"]?.stringValue?.contains(#"{"cookie": "job=1"}"#) == true, "\(all)")
        }
    }
}
