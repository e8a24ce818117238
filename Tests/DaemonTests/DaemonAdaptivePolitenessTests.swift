import Foundation
import JSON
import Testing
import TestSupport

/// Issue 24: the shipped policies.lua adapts a job's pace to a host that
/// answers 429 with `Retry-After` past its rate limit and slows down under
/// load. Measured by the server's own log of requests. Before, `politeness`
/// saw only the host name, so a job ran at its fixed delay and concurrency
/// (16 in flight to a local host) into a wall of 429s, and lost the pages
/// whose retries ran out.
@Suite(.serialized) struct DaemonAdaptivePolitenessTests {
    private func crawl(_ site: RateLimitedServer, pages: Int, in folder: TemporaryDirectory) async throws -> JSONObject {
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let submitted = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "concurrency": 16, "max_pages": .int(Int64(pages)),
            "obey_robots": false,
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        var status: JSONObject = [:]
        _ = try await pollUntil(seconds: 240) {
            status = try await jobStatus(client, job)
            return status["state"] != "running" && status["state"] != "queued"
        }
        await client.close()
        return status
    }

    /// Requests per one-second window starting at each hit of `hits` (sorted by time).
    private func busiestSecond(_ hits: [RateLimitedServer.Hit]) -> Int {
        var busiest = 0
        var end = 0
        for start in hits.indices {
            while end < hits.count && hits[end].time < hits[start].time + 1 { end += 1 }
            busiest = max(busiest, end - start)
        }
        return busiest
    }

    @Test func aJobStaysUnderTheLimitAfterTheFirstRefusalsAndGetsEveryPage() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (pages, limit, burst) = (400, 40.0, 10.0)
        let site = try RateLimitedServer(pages: pages, rate: limit, burst: burst, logDirectory: folder)
        let status = try await crawl(site, pages: pages, in: folder)
        #expect(status["state"] == "completed" && status["succeeded"] == .int(Int64(pages)), "\(status)")
        let hits = site.hits()
        let firstRefusal = try #require(hits.firstIndex { $0.status == 429 }, "the crawl must hit the limit for this test to mean anything")
        let after = Array(hits[firstRefusal...])
        let refused = after.filter { $0.status == 429 }.count
        let seconds = after.last!.time - after.first!.time
        #expect(Double(after.count) / seconds <= limit, "mean rate after the first refusal: \(Double(after.count) / seconds)/s")
        #expect(busiestSecond(after) <= Int(limit + burst), "busiest second after the first refusal: \(busiestSecond(after))")
        #expect(refused * 20 <= after.count, "\(refused) of \(after.count) requests refused after the first refusal")
    }

    /// The server is down (503 and `Retry-After: 1` to everything, at once,
    /// while the pages asked before take their 100 ms) for 3 s mid-crawl:
    /// crawld pauses instead of hammering it (a few requests, one per
    /// `Retry-After`), then resumes, and every page is crawled. And the pace
    /// comes back: in the second half of what follows the outage the
    /// requests come at least half as fast as before it, and 5 times as fast
    /// as during it (from the server's own log). Before, the late success of
    /// a page asked before the outage ended the throttle's run of refusals,
    /// so the next 503, after the `Retry-After` pause, read the pace of that
    /// paused second (10 requests/s) as the host's limit, and the crawl went
    /// on at 10 requests/s against 28 before.
    @Test func aJobPausesThroughAnOutageAndResumes() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (pages, limit) = (400, 40.0)
        let site = try RateLimitedServer(pages: pages, rate: limit, latencyMs: 100, outageAfter: 150, outageSeconds: 3, logDirectory: folder)
        let status = try await crawl(site, pages: pages, in: folder)
        #expect(status["state"] == "completed" && status["succeeded"] == .int(Int64(pages)), "\(status)")
        let hits = site.hits()
        let outage = try #require(hits.firstIndex { $0.status == 503 })
        let recovered = try #require(hits.lastIndex { $0.status == 503 })
        #expect(recovered - outage + 1 <= 20, "requests during the outage: \(recovered - outage + 1)")
        #expect(hits[(recovered + 1)...].filter { $0.status == 200 }.count >= pages - 150, "the crawl resumed after the outage")
        let before = rate(hits[..<outage]), during = rate(hits[outage...recovered])
        let after = hits[(recovered + 1)...]
        let lastHalf = rate(after.suffix(after.count / 2))
        #expect(lastHalf >= before / 2 && lastHalf >= 5 * during, "requests/s before the outage \(before), during it \(during), in the second half after it \(lastHalf)")
    }

    /// Requests per second from the first of `hits` to the last.
    private func rate(_ hits: ArraySlice<RateLimitedServer.Hit>) -> Double {
        guard let first = hits.first, let last = hits.last, last.time > first.time else { return 0 }
        return Double(hits.count - 1) / (last.time - first.time)
    }
}
