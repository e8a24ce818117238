import Foundation
import JSON
import TestSupport
import Testing

@testable import Jobs

/// A job stops at once whatever it waits on: robots.txt, a delay, a retry.
/// Before, `job.cancel` and SIGTERM's drain waited for a robots.txt fetch to
/// end and for every politeness delay (a client's `delay_ms: 3600000`) to pass.
@Suite(.serialized, .timeLimit(.minutes(10))) struct JobStopTests {
    @Test func cancelDuringASlowRobotsFetchEndsAtOnce() async throws {
        let dir = TemporaryDirectory()
        let arrivals = dir.path + "/arrivals"
        let server = try JobSiteServer(pages: 5, robotsLatencyMs: 600_000, arrivals: arrivals)
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }
        let job = try await manager.submit(try JobSpec(parameters: ["urls": [.string(server.base + "/p/0.html")], "output": "r.jsonl"]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).state == .running })
        // Cancelled while the site holds the robots.txt request it has read.
        #expect(await pollUntil(seconds: 120) { dir.read("arrivals").contains("/robots.txt") })
        let clock = ContinuousClock()
        let start = clock.now
        let final = try await manager.cancel(job)
        #expect(final.state == .cancelled)
        #expect(clock.now - start < .seconds(120), "not held by the robots.txt that answers after 600 s")
        await manager.drain()
        await running.value
    }

    @Test func drainDuringALongDelayEndsAtOnceWithThePagePending() async throws {
        let server = try JobSiteServer(pages: 5)
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }
        let job = try await manager.submit(
            try JobSpec(parameters: ["urls": [.string(server.base + "/p/0.html")], "output": "d.jsonl", "delay_ms": 3_600_000]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).crawled == 1 })
        let clock = ContinuousClock()
        let start = clock.now
        await manager.drain()
        await running.value
        #expect(clock.now - start < .seconds(120), "not held by the hour-long delay")
        #expect(try await manager.status(job).state == .interrupted)
        let checkpoint = try JobCheckpoint(json: try JSONValue.parse(Array(dir.read("state/jobs/\(job).json").utf8)))
        #expect(!checkpoint.pending.isEmpty, "the pages waiting are still to crawl")
        #expect(checkpoint.completed == 1)
    }
}
