import Foundation
import JSON
import Testing
import TestSupport

/// Joining and leaving a cluster job with real binaries and a real
/// redis-server: an idle instance takes a new job's first page within a
/// second (a blocking read, not a poll), a drained instance (SIGTERM) hands
/// its pending pages back before it exits rather than at its heartbeat's
/// expiry, and a failed page is retried through Redis.
@Suite struct DaemonClusterCrawlControlTests {
    @Test func anIdleInstanceTakesANewJobWithinASecondAndRetriesThroughRedis() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let log = folder.url.appendingPathComponent("requests.log").path
        let site = try JobSiteServer(pages: 5, log: log)
        let submitter = try await startClusterInstance("a", folder, redis: redis, ["--cluster-jobs", "false"])
        let worker = try await startClusterInstance("b", folder, redis: redis)
        defer { Task { await submitter.stop(); await worker.stop() } }
        let client = try await submitter.connect()
        // b's heartbeat is in Redis: it is up and idle.
        #expect(try await pollUntil { (try await client.request(["op": "monitor.cluster"]).answer["instances"]?.arrayValue?.count ?? 0) == 2 })
        let submittedAt = Date().timeIntervalSince1970
        let submitted = try await client.request([
            "op": "job.submit", "cluster": true, "urls": [.string(site.base + "/flaky/one")], "follow_links": false,
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        #expect(try await pollUntil { FileManager.default.fileExists(atPath: log) })
        let first = try #require(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").first.flatMap { Double($0.split(separator: " ")[0]) })
        #expect(first - submittedAt < 1, "b's first request came \(first - submittedAt) s after the submit")

        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["state"] == "completed" })
        let final = try await jobStatus(client, job)
        #expect(final["instances"]?.objectValue?["b"] == .int(1))
        #expect(final["instances"]?.objectValue?["a"] == nil, "a does not take pages with --cluster-jobs false")
        #expect(final["error_count"] == .int(2), "two 503s, each retried")
        let records = try await client.request(["op": "job.results", "job": .string(job)]).answer["records"]?.arrayValue ?? []
        #expect(records.count == 1)
        #expect(records.first?.objectValue?["status"] == .int(200))
        await client.close()
    }

    @Test func aDrainedInstanceHandsItsPagesBackAtOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let site = try JobSiteServer(pages: 60, latencyMs: 300)
        // Heartbeats live a minute: only a hand-back lets b finish a's pages sooner.
        let a = try await startClusterInstance("a", folder, redis: redis, heartbeatTTL: 60)
        let b = try await startClusterInstance("b", folder, redis: redis, heartbeatTTL: 60)
        defer { Task { await a.stop(); await b.stop() } }
        let client = try await b.connect()
        let submitted = try await client.request([
            "op": "job.submit", "cluster": true, "urls": [.string(site.base + "/p/0.html")], "concurrency": 3,
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        let pending = "crawld:cj:{\(job)}:pending:a"
        #expect(try await pollUntil(seconds: 60) { Int(try redis.cli("HLEN", pending).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 0 })
        a.signal(SIGTERM)
        #expect(await a.waitForExit() == 0)
        #expect(try redis.cli("HLEN", pending).trimmingCharacters(in: .whitespacesAndNewlines) == "0", "a handed its pages back before it exited")
        #expect(try redis.cli("HEXISTS", "crawld:cj:{\(job)}:members", "a").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try await pollUntil(seconds: 45) { try await jobStatus(client, job)["state"] == "completed" })
        let final = try await jobStatus(client, job)
        #expect(final["crawled"] == .int(60), "\(final)")
        await client.close()
    }
}
