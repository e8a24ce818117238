import Foundation
import JSON
import Testing
import TestSupport

/// Issue 24: policies.lua's identities (a proxy, a user agent, a cookie jar
/// each) rotate when a site blocks one. Two local proxies; the site answers
/// 403 to one identity's user agent. Before, there were no identities: every
/// page of such a site was a 403 record.
@Suite(.serialized) struct DaemonIdentityTests {
    /// The shipped policies with proxies `pa` and `pb` and identities `a` (through `pa`) and `b` (through `pb`);
    /// `identity_for` prefers `a` while the host allows it.
    private func policies(proxyA: Int, proxyB: Int) -> ScriptFolder {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        var source = folder.read("policies.lua")
        source = source.replacingOccurrences(
            of: "local proxies = {}", with: "local proxies = { pa = \"http://127.0.0.1:\(proxyA)\", pb = \"http://127.0.0.1:\(proxyB)\" }")
        source = source.replacingOccurrences(
            of: "\nreturn M\n",
            with: """

                M.identities = {
                  a = { proxy = "pa", user_agent = "crawld-a" },
                  b = { proxy = "pb", user_agent = "crawld-b", headers = { ["Accept-Language"] = "fr" } },
                }

                function M.identity_for(host, stats)
                  for _, name in ipairs(stats.identities) do
                    if name == "a" then return "a" end
                  end
                  return stats.identities[1]
                end

                return M

                """)
        folder.write("policies.lua", source)
        return folder
    }

    private func tunnels(_ proxy: TestHTTPServer, through client: LineClient) async throws -> Int? {
        let answer = try await client.request(["op": "crawl", "url": .string(proxy.url("/connections")), "extract": false, "formats": ["text"]]).answer
        return try JSONValue.parse(answer["text"]?.stringValue ?? "").objectValue?["tunnels"]?.intValue.map { Int($0) }
    }

    @Test func aHostThatBlocksOneIdentityIsFinishedThroughTheOther() async throws {
        try await withTestHTTPServer { proxyA in
            try await withTestHTTPServer { proxyB in
                let folder = try TemporaryDirectory()
                defer { folder.remove() }
                let pages = 30
                let site = try RateLimitedServer(pages: pages, rate: 1000, burst: 1000, block: "crawld-a", logDirectory: folder)
                let scripts = policies(proxyA: proxyA.port, proxyB: proxyB.port)
                let daemon = try await DaemonProcess.start(arguments: [
                    "--config", scripts.path, "--redis", "none", "--output-dir", folder.url.appendingPathComponent("output").path,
                    "--state-dir", folder.url.appendingPathComponent("state").path,
                ])
                defer { Task { await daemon.stop() } }
                let client = try await daemon.connect()
                let submitted = try await client.request([
                    "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "concurrency": 2, "obey_robots": false,
                ]).answer
                let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
                var status: JSONObject = [:]
                _ = try await pollUntil(seconds: 120) {
                    status = try await jobStatus(client, job)
                    return status["state"] != "running" && status["state"] != "queued"
                }
                #expect(status["state"] == "completed" && status["succeeded"] == .int(Int64(pages)), "\(status)")
                let hits = site.hits()
                #expect(hits.contains { $0.agent == "crawld-a" && $0.status == 403 }, "identity a was tried and blocked")
                #expect(hits.filter { $0.status == 200 }.allSatisfy { $0.agent == "crawld-b" })
                #expect(hits.filter { $0.agent == "crawld-a" }.count <= 2, "a is retired for the host after its first block (2 in flight)")
                #expect(try await tunnels(proxyA, through: client) ?? 0 >= 1)
                #expect(try await tunnels(proxyB, through: client) ?? 0 >= 1)
                let monitor = try await client.request(["op": "monitor.identities"]).answer
                let rows = monitor["identities"]?.arrayValue?.compactMap(\.objectValue) ?? []
                let a = rows.first { $0["name"] == "a" }
                let b = rows.first { $0["name"] == "b" }
                #expect(a?["proxy"] == "pa" && (a?["blocks"]?.intValue ?? 0) >= 1 && a?["blocked_hosts"] == 1, "\(monitor)")
                #expect(b?["proxy"] == "pb" && (b?["uses"]?.intValue ?? 0) >= Int64(pages) && b?["blocks"] == 0, "\(monitor)")
                await client.close()
            }
        }
    }
}
