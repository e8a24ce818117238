import Foundation
import JSON
import Testing
import TestSupport

/// A cluster job goes as its submitter's identities on every instance, and
/// their secrets stay in each instance's policies.lua. The site answers 403 to
/// a request without the identity's header; the submitter takes no pages, a
/// second instance with the same identities crawls every page with it, and a
/// third whose policies.lua declares none stays out of the job instead of
/// sending pages as crawld's own. Nothing sent to Redis (read with `MONITOR`)
/// carries the header's value. Before, cluster workers sent no identity: every
/// page was a 403 record.
@Suite struct DaemonClusterIdentityTests {
    /// The shipped policies with one identity, `member`, whose header the site requires.
    private func scripts(secret: String) -> ScriptFolder {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let source = folder.read("policies.lua").replacingOccurrences(
            of: "\nreturn M\n", with: "\nM.identities = { member = { headers = { [\"X-Member\"] = \"\(secret)\" } } }\n\nreturn M\n")
        folder.write("policies.lua", source)
        return folder
    }

    @Test func aSecondInstanceCrawlsWithTheSubmittersIdentityAndRedisNeverSeesItsSecret() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let commands = folder.url.appendingPathComponent("monitor.log")
        let monitor = try redis.monitor(into: commands)
        defer { monitor.terminate() }
        let secret = "s3cret-" + UUID().uuidString
        let pages = 12
        let site = try JobSiteServer(pages: pages, latencyMs: 50, requireHeader: "X-Member: \(secret)")
        let withIdentity = scripts(secret: secret)
        let submitter = try await startClusterInstance("a", folder, redis: redis, config: withIdentity.path, ["--cluster-jobs", "false"])
        let member = try await startClusterInstance("b", folder, redis: redis, config: withIdentity.path)
        let stranger = try await startClusterInstance("c", folder, redis: redis)
        defer {
            Task {
                await submitter.stop(); await member.stop(); await stranger.stop()
            }
        }
        let client = try await submitter.connect()
        #expect(try await pollUntil { (try await client.request(["op": "monitor.cluster"]).answer["instances"]?.arrayValue?.count ?? 0) == 3 })
        let submitted = try await client.request(["op": "job.submit", "cluster": true, "urls": [.string(site.base + "/p/0.html")]]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["state"] == "completed" })
        let final = try await jobStatus(client, job)
        #expect(final["crawled"] == .int(Int64(pages)), "\(final)")
        #expect(final["instances"]?.objectValue == ["b": .int(Int64(pages))], "only b, which declares the identity, took pages")
        let records = try await client.request(["op": "job.results", "job": .string(job), "limit": 100]).answer["records"]?.arrayValue ?? []
        #expect(records.count == pages)
        #expect(records.allSatisfy { $0.objectValue?["status"] == .int(200) }, "every page went with the identity's header")
        await client.close()
        // Stopped here, not only by the deferred task, which a finishing test run may never let run.
        for daemon in [submitter, member, stranger] { await daemon.stop() }
        let sent = try String(contentsOf: commands, encoding: .utf8)
        #expect(sent.contains("EVALSHA"), "MONITOR saw the job's commands")
        #expect(!sent.contains(secret), "the identity's secret never reached Redis")
    }
}
