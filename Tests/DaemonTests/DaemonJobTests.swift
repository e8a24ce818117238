import Foundation
import JSON
import Testing
import TestSupport

/// Jobs through the real binary: stopped by SIGTERM or killed by SIGKILL
/// mid-crawl, restarted, resumed, and the output holds every page once;
/// with checkpoints on disk (`--redis none`) and in a real redis-server.
@Suite struct DaemonJobTests {
    static let pages = 60

    private func start(_ folder: TemporaryDirectory, redis: RedisServer?) async throws -> DaemonProcess {
        try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", redis?.url ?? "none", "--instance-id", "solo",
            "--output-dir", folder.url.appendingPathComponent("output").path,
            "--state-dir", folder.url.appendingPathComponent("state").path,
        ])
    }

    private func interruptAndResume(signal: Int32, redis: RedisServer?) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // Past 20 pages the site holds every request: the job is mid-way when
        // the signal comes, however loaded the machine; released before the resume.
        let site = try JobSiteServer(pages: Self.pages, latencyMs: 20, holdAfter: 20)
        let first = try await start(folder, redis: redis)
        let client = try await first.connect()
        let submitted = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "max_pages": 1000,
            "concurrency": 2, "output": "site.jsonl",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue)
        _ = try await pollUntil(seconds: 60) { (try await jobStatus(client, job)["crawled"]?.intValue ?? 0) >= 10 }
        let crawledBefore = try #require(try await jobStatus(client, job)["crawled"]?.intValue)
        #expect(crawledBefore < Int64(Self.pages))
        await client.close()
        first.signal(signal)
        let exit = await first.waitForExit()
        if signal == SIGTERM { #expect(exit == 0) }
        if let redis {
            let state = try redis.cli("HGET", "crawld:job:\(job)", "state")
            #expect(state == (signal == SIGTERM ? "interrupted" : "running"), "the checkpoint is in Redis")
        } else {
            #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("state/jobs/\(job).json").path))
        }

        try await site.release()
        let second = try await start(folder, redis: redis)
        defer { Task { await second.stop() } }
        let again = try await second.connect()
        _ = try await pollUntil(seconds: 120) { try await jobStatus(again, job)["state"]?.stringValue == "completed" }
        let final = try await jobStatus(again, job)
        #expect(final["state"] == "completed")
        await again.close()
        try expectEveryPageOnce(folder.url.appendingPathComponent("output/site.jsonl"), site: site, pages: Self.pages)
    }

    @Test func sigtermMidJobThenResumeWritesEveryPageOnce() async throws {
        try await interruptAndResume(signal: SIGTERM, redis: nil)
    }

    @Test func sigkillMidJobThenResumeWritesEveryPageOnce() async throws {
        try await interruptAndResume(signal: SIGKILL, redis: nil)
    }

    @Test func sigtermMidJobThenResumeFromRedisWritesEveryPageOnce() async throws {
        let redis = try RedisServer()
        try redis.start()
        try await interruptAndResume(signal: SIGTERM, redis: redis)
    }

    @Test func sigkillMidJobThenResumeFromRedisWritesEveryPageOnce() async throws {
        let redis = try RedisServer()
        try redis.start()
        try await interruptAndResume(signal: SIGKILL, redis: redis)
    }
}

func jobStatus(_ client: LineClient, _ job: String) async throws -> JSONObject {
    try await client.request(["op": "job.status", "job": .string(job)]).answer
}

/// The JSONL output holds each of the site's pages, and each once.
func expectEveryPageOnce(_ file: URL, site: JobSiteServer, pages: Int) throws {
    let output = try String(contentsOf: file, encoding: .utf8)
    let urls = try output.split(separator: "\n").map { line in
        try #require(try JSONValue.parse(String(line)).objectValue?["url"]?.stringValue)
    }
    let expected = Set((0..<pages).map { "\(site.base)/p/\($0).html" })
    #expect(urls.count == Set(urls).count, "every page once")
    #expect(Set(urls) == expected, "every reachable page")
}
