import Foundation
import JSON
import Testing
import TestSupport

@testable import Jobs

/// Stop and crash mid-job, then resume: the output holds every page exactly once.
@Suite(.serialized) struct JobResumeTests {
    /// Runs a resumed job in a fresh manager to its end and checks the output against the reference BFS.
    func resumeAndCheck(_ dir: TemporaryDirectory, job: String, expected: [(url: String, depth: Int)]) async throws {
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher(), checkpointEveryPages: 4))
        #expect(try await manager.restore() == [job])
        let running = Task { await manager.run() }
        let events = await collect(try await manager.watch(job))
        guard case .summary(let summary)? = events.last else {
            Issue.record("no summary: \(events)")
            return
        }
        let urls = try readRecords(dir, "r.jsonl").compactMap { $0["url"]?.stringValue }
        #expect(summary.state == .completed)
        #expect(urls.count == expected.count, "duplicates or missing pages")
        #expect(Set(urls) == Set(expected.map(\.url)))
        #expect(summary.crawled == expected.count)
        #expect(try await manager.results(job, offset: 0, limit: 1000).total == expected.count)
        await manager.drain()
        await running.value

        let later = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        #expect(try await later.restore() == [])
        #expect(try await later.status(job).state == .completed)
        #expect(try await later.results(job, offset: expected.count - 1, limit: 5).records.count == 1)
    }

    @Test func interruptThenResumeWritesEveryPageOnce() async throws {
        let server = try JobSiteServer(pages: 60, latencyMs: 30)
        let dir = TemporaryDirectory()
        let seed = server.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher(), checkpointEveryPages: 4))
        let running = Task { await manager.run() }
        let job = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 3, "output": "r.jsonl"]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).crawled >= 10 })
        await manager.drain()
        await running.value
        let stopped = try await manager.status(job)
        #expect(stopped.state == .interrupted)
        #expect(stopped.crawled < expected.count)
        #expect(try readRecords(dir, "r.jsonl").count == stopped.crawled)
        await #expect(throws: JobError.self) { try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)]])) }
        try await resumeAndCheck(dir, job: job, expected: expected)
    }

    @Test func crashAfterACheckpointResumesWithoutDuplicates() async throws {
        let server = try JobSiteServer(pages: 60, latencyMs: 30)
        let dir = TemporaryDirectory()
        let seed = server.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher(), checkpointEveryPages: 4))
        let running = Task { await manager.run() }
        let job = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 3, "output": "r.jsonl"]))
        let checkpointFile = dir.path + "/state/jobs/\(job).json"
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).crawled >= 8 })
        let earlyCheckpoint = try #require(FileManager.default.contents(atPath: checkpointFile))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).crawled >= 20 })
        running.cancel()
        await running.value

        // What SIGKILL leaves: the last checkpoint is older than the output, whose last line is torn.
        try earlyCheckpoint.write(to: URL(fileURLWithPath: checkpointFile))
        let saved = try JobCheckpoint(json: try JSONValue.parse(Array(earlyCheckpoint)))
        let output = try #require(FileHandle(forWritingAtPath: dir.path + "/output/r.jsonl"))
        try output.seekToEnd()
        try output.write(contentsOf: Data("{\"url\":\"http://torn".utf8))
        try output.close()
        #expect(dir.read("output/r.jsonl").filter { $0 == "\n" }.count > saved.records)
        try await resumeAndCheck(dir, job: job, expected: expected)
    }

    @Test func queuedJobSurvivesARestartBeforeItRan() async throws {
        let server = try JobSiteServer(pages: 5)
        let dir = TemporaryDirectory()
        let seed = server.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let first = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let job = try await first.submit(try JobSpec(parameters: ["urls": [.string(seed)], "output": "r.jsonl"]))
        #expect(try await first.status(job).state == .queued)
        try await resumeAndCheck(dir, job: job, expected: expected)
    }
}
