import Foundation
import JSON
import Testing
import TestSupport

/// A cluster job's `output.redis_stream` and `webhook` through two real
/// binaries and a real redis-server: one instance is SIGKILLed mid-job, the
/// stream holds every page exactly once, with ids following the job's commit
/// order (the order `job.results` reads), and one `done` event is delivered.
@Suite struct DaemonClusterStreamTests {
    static let hosts = 2
    static let pagesPerHost = 30

    @Test func sigkilledInstanceLeavesEveryPageOnceInTheStream() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let site = try JobSiteServer(pages: Self.pagesPerHost, latencyMs: 100, hosts: Self.hosts)
        let receiver = try WebhookReceiver(log: folder.url.appendingPathComponent("hooks.jsonl").path, secret: "cluster-secret")
        let scripts = ScriptFolder(copying: ScriptFolder.shipped)
        scripts.write(
            "policies.lua",
            scripts.read("policies.lua").replacingOccurrences(
                of: "return { delay_ms = 1000, max_concurrency = 2 }", with: "return { delay_ms = 50, max_concurrency = 2 }"))
        var daemons: [String: DaemonProcess] = [:]
        for id in ["a", "b"] { daemons[id] = try await startClusterInstance(id, folder, redis: redis, config: scripts.path) }
        defer { Task { [daemons] in for daemon in daemons.values { await daemon.stop() } } }
        let client = try await daemons["a"]!.connect()
        let seeds = (0..<Self.hosts).map { JSONValue.string(site.base(host: $0) + "/p/0.html") }
        let submitted = try await client.request([
            "op": "job.submit", "cluster": true, "urls": .array(seeds), "concurrency": 2,
            "output": ["path": "spread", "redis_stream": "cluster-pages", "maxlen": 10_000],
            "webhook": ["url": .string(receiver.url), "events": ["done"], "secret": "cluster-secret"],
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        let total = Self.hosts * Self.pagesPerHost
        #expect(try await pollUntil(seconds: 60) { (try await jobStatus(client, job)["instances"]?.objectValue?["b"]?.intValue ?? 0) >= 3 })
        daemons["b"]!.signal(SIGKILL)
        _ = await daemons["b"]!.waitForExit()
        #expect(try await pollUntil(seconds: 120) { try await jobStatus(client, job)["state"] == "completed" })
        let status = try await jobStatus(client, job)
        #expect(status["stream"]?.objectValue?["published"]?.intValue == Int64(total), "\(status)")

        let results = try await client.request(["op": "job.results", "job": .string(job), "limit": 1000]).answer
        let urls = (results["records"]?.arrayValue ?? []).compactMap { $0.objectValue?["url"]?.stringValue }
        let lines = try redis.cli("XRANGE", "cluster-pages", "-", "+").split(separator: "\n").map(String.init)
        #expect(lines.count == total * 5)
        let ids = stride(from: 0, to: lines.count, by: 5).map { lines[$0] }
        let streamed = try stride(from: 4, to: lines.count, by: 5).map { try JSONValue.parse(lines[$0]).objectValue?["url"]?.stringValue }
        #expect(streamed.count == total && Set(streamed).count == total, "every page exactly once")
        #expect(streamed == urls, "in commit order, as job.results reads it")
        let base = try #require(ids.first?.split(separator: "-").first)
        #expect(ids == (1...total).map { "\(base)-\($0)" })

        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["webhook"]?.objectValue?["delivered"]?.intValue == 1 })
        let posts = try receiver.received()
        #expect(posts.count == 1, "one instance sends the job's done event")
        #expect(posts.first?["signature_valid"] == true)
        #expect(posts.first?["body"]?.objectValue?["progress"]?.objectValue?["crawled"]?.intValue == Int64(total))
        await client.close()
    }
}
