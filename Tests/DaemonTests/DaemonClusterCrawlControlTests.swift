import Foundation
import JSON
import Testing
import TestSupport

/// Joining and leaving a cluster job with real binaries and a real
/// redis-server: an idle instance takes a new job's first page within a
/// second (a blocking read, not a poll), a drained instance (SIGTERM) hands
/// its pending pages back before it exits rather than at its heartbeat's
/// expiry, a failed page is retried through Redis, and an instance killed
/// and restarted under its id resumes with every page written once.
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
        defer {
            Task {
                await submitter.stop(); await worker.stop()
            }
        }
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
        // Heartbeats live a minute: only a hand-back lets b finish a's pages sooner.
        try await withTwoInstances(pages: 60, latencyMs: 300) { redis, site, a, b in
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

    /// SIGKILL with pages pending and a record written but never committed (a torn line appended
    /// to the part): restarted under the same id, the instance hands its pending pages back, cuts
    /// the part back to its committed length, and the job ends with every page once.
    @Test func aKilledInstanceRestartedUnderItsIdResumesExactlyOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let site = try JobSiteServer(pages: 40, latencyMs: 300)
        var a = try await startClusterInstance("a", folder, redis: redis, heartbeatTTL: 60)
        var client = try await a.connect()
        let submitted = try await client.request([
            "op": "job.submit", "cluster": true, "urls": [.string(site.base + "/p/0.html")], "concurrency": 3, "output": "resumed",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        let pending = "crawld:cj:{\(job)}:pending:a"
        let midJob = try await pollUntil(seconds: 60) {
            let crawled = try await jobStatus(client, job)["crawled"]?.intValue ?? 0
            let held = Int(try redis.cli("HLEN", pending)) ?? 0
            return crawled >= 3 && held > 0
        }
        #expect(midJob)
        await client.close()
        a.signal(SIGKILL)
        _ = await a.waitForExit()
        let part = folder.url.appendingPathComponent("output/resumed/a.jsonl")
        let handle = try FileHandle(forWritingTo: part)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"url\":\"torn".utf8))
        try handle.close()

        a = try await startClusterInstance("a", folder, redis: redis, heartbeatTTL: 60)
        defer { Task { [a] in await a.stop() } }
        client = try await a.connect()
        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["state"] == "completed" })
        let records = try await client.request(["op": "job.results", "job": .string(job), "limit": 1000]).answer["records"]?.arrayValue ?? []
        let urls = records.compactMap { $0.objectValue?["url"]?.stringValue }
        #expect(urls.count == 40)
        #expect(Set(urls) == Set((0..<40).map { "\(site.base)/p/\($0).html" }), "every page once")
        let committed = Int(try redis.cli("HGET", "crawld:cj:{\(job)}:parts", "a.jsonl")) ?? -1
        let size = try FileManager.default.attributesOfItem(atPath: part.path)[.size] as? Int
        #expect(size == committed, "the part holds exactly its committed records")
        await client.close()
    }
}
