import Foundation
import JSON
import Testing
import TestSupport

/// `output.redis_stream` through the real binary and a real redis-server:
/// SIGKILL mid-job after the stream has records, restart, resume, and the
/// stream holds every page exactly once, in the JSONL file's order.
@Suite struct DaemonStreamSinkTests {
    static let pages = 240

    /// One instance with its checkpoints in `redis` (a single-instance cluster member), or none without it.
    private func start(_ folder: TemporaryDirectory, redis: RedisServer?) async throws -> DaemonProcess {
        guard let redis else { return try await DaemonProcess.startForJobs(in: folder) }
        return try await startClusterInstance("solo", folder, redis: redis)
    }

    /// The stream's entries, as (id, job, record) from `XRANGE` (redis-cli prints five lines per entry).
    private func entries(_ redis: RedisServer, _ stream: String) throws -> [(id: String, job: String, record: JSONValue)] {
        let lines = try redis.cli("XRANGE", stream, "-", "+").split(separator: "\n").map(String.init)
        var entries: [(String, String, JSONValue)] = []
        var index = 0
        while index + 4 < lines.count {
            #expect(lines[index + 1] == "job" && lines[index + 3] == "record")
            entries.append((lines[index], lines[index + 2], try JSONValue.parse(lines[index + 4])))
            index += 5
        }
        #expect(index == lines.count, "whole entries only")
        return entries
    }

    @Test func sigkillMidJobThenResumeStreamsEveryPageOnceInOrder() async throws {
        let redis = try RedisServer()
        try redis.start()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // 240 pages × 60 ms over 2 workers: the first checkpoint (100 pages) feeds the stream well before the end.
        // Pages past the 150th wait for `release()`, after the kill: on a starved CI machine the job once
        // finished before the test saw the stream's first entry.
        let site = try JobSiteServer(pages: Self.pages, latencyMs: 60, holdAfter: 150)
        let first = try await start(folder, redis: redis)
        let client = try await first.connect()
        let submitted = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "max_pages": 1000, "concurrency": 2,
            "output": ["path": "site.jsonl", "redis_stream": "pages", "maxlen": 100_000],
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        #expect(try await pollUntil(seconds: 120) { (Int(try redis.cli("XLEN", "pages")) ?? 0) > 0 })
        let crawledBefore = try #require(try await jobStatus(client, job)["crawled"]?.intValue)
        #expect(crawledBefore < Int64(Self.pages), "killed mid-job")
        await client.close()
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        try await site.release()

        let second = try await start(folder, redis: redis)
        defer { Task { await second.stop() } }
        let again = try await second.connect()
        #expect(try await pollUntil(seconds: 180) { try await jobStatus(again, job)["state"]?.stringValue == "completed" })
        let status = try await jobStatus(again, job)
        #expect(status["stream"]?.objectValue?["published"]?.intValue == Int64(Self.pages), "\(status)")
        await again.close()

        let file = folder.url.appendingPathComponent("output/site.jsonl")
        try expectEveryPageOnce(file, site: site, pages: Self.pages)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        let streamed = try entries(redis, "pages")
        #expect(streamed.count == Self.pages, "every page exactly once")
        #expect(try streamed.map(\.record) == lines.map { try JSONValue.parse(String($0)) }, "the file's records, in its order")
        #expect(Set(streamed.map(\.job)) == [job])
        let base = try #require(streamed.first?.id.split(separator: "-").first)
        #expect(streamed.map(\.id) == (1...Self.pages).map { "\(base)-\($0)" }, "ids follow the records' sequence")
    }

    @Test func streamWithoutRedisIsRefusedAtSubmit() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let daemon = try await start(folder, redis: nil)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let answer = try await client.request([
            "op": "job.submit", "urls": ["http://127.0.0.1:9/"], "output": ["redis_stream": "pages"],
        ]).answer
        #expect(answer["ok"] == false)
        #expect(answer["error"]?.objectValue?["code"] == "bad_request")
        #expect(answer["error"]?.objectValue?["message"]?.stringValue?.contains("output.redis_stream") == true)
        await client.close()
    }
}
