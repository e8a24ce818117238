import Foundation
import JSON
import Testing
import TestSupport

/// A cluster job that ends leaves nothing in Redis for good. One job is
/// cancelled while an instance that held pages lies dead (its heartbeat not
/// yet expired, so nobody handed its pages back) and another has pages in
/// flight; another job completes. Once the live instance has drained, every
/// key of either job is gone or expires (the pending pages after a grace
/// period in which pages in flight may still be recorded). Before, the dead
/// instance's pending pages, and the wake stream written after a job's
/// cleanup, stayed forever.
@Suite struct DaemonClusterCleanupTests {
    /// The job's keys that would never expire (`TTL` -1).
    private func keysWithoutTTL(_ redis: RedisServer, _ job: String) throws -> [String] {
        let keys = try redis.cli("--scan", "--pattern", "crawld:cj:{\(job)}:*").split(separator: "\n").map(String.init)
        return try keys.filter { try redis.cli("TTL", $0) == "-1" }
    }

    @Test func aCancelledJobWithADeadInstanceAndACompletedJobLeaveNoKeyWithoutATTL() async throws {
        try await withTwoInstances(pages: 60, latencyMs: 300) { redis, site, a, b in
            let client = try await b.connect()
            let finished = try await client.request([
                "op": "job.submit", "cluster": true, "urls": [.string(site.base + "/p/1.html")], "follow_links": false,
            ]).answer
            let done = try #require(finished["job"]?.stringValue, "\(finished)")
            #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, done)["state"] == "completed" })

            let submitted = try await client.request(["op": "job.submit", "cluster": true, "urls": [.string(site.base + "/p/0.html")]]).answer
            let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
            let pending = "crawld:cj:{\(job)}:pending:"
            // Stopped first, then checked: a page a completes between the check and the kill would leave it holding none.
            #expect(
                try await pollUntil(seconds: 60) {
                    a.signal(SIGSTOP)
                    if Int(try redis.cli("HLEN", pending + "a")) ?? 0 > 0 { return true }
                    a.signal(SIGCONT)
                    return false
                })
            a.signal(SIGKILL)
            _ = await a.waitForExit()
            #expect(Int(try redis.cli("HLEN", pending + "a")) ?? 0 > 0, "a died with pages pending")
            let cancelled = try await client.request(["op": "job.cancel", "job": .string(job)]).answer
            #expect(cancelled["state"] == "cancelled", "\(cancelled)")
            await client.close()
            // b's pages in flight end after the cancel; its drain waits for them.
            b.signal(SIGTERM)
            #expect(await b.waitForExit() == 0)

            let grace = Int(try redis.cli("TTL", pending + "a")) ?? -1
            #expect((1...600).contains(grace), "the dead instance's pending pages expire after the grace period, not never: TTL \(grace)")
            #expect(try keysWithoutTTL(redis, job) == [], "every key of the cancelled job expires")
            #expect(try keysWithoutTTL(redis, done) == [], "every key of the completed job expires")
            #expect(Int(try redis.cli("TTL", "crawld:cj:{\(job)}:meta")) ?? 0 > 86_400, "job.status still answers for the cancelled job")
        }
    }
}
