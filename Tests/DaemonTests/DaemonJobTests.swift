import Foundation
import JSON
import Testing
import TestSupport

/// Jobs through the real binary: stopped by SIGTERM or killed by SIGKILL
/// mid-crawl, restarted, resumed, and the output holds every page once.
@Suite struct DaemonJobTests {
    static let pages = 60

    private func start(_ folder: TemporaryDirectory) async throws -> DaemonProcess {
        try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", "none",
            "--output-dir", folder.url.appendingPathComponent("output").path,
            "--state-dir", folder.url.appendingPathComponent("state").path,
        ])
    }

    private func status(_ client: LineClient, _ job: String) async throws -> JSONObject {
        try await client.request(["op": "job.status", "job": .string(job)]).answer
    }

    private func interruptAndResume(signal: Int32) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: Self.pages, latencyMs: 40)
        let first = try await start(folder)
        let client = try await first.connect()
        let submitted = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "max_pages": 1000,
            "concurrency": 2, "output": "site.jsonl",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue)
        _ = try await pollUntil(seconds: 60) { (try await status(client, job)["crawled"]?.intValue ?? 0) >= 10 }
        let crawledBefore = try #require(try await status(client, job)["crawled"]?.intValue)
        #expect(crawledBefore < Int64(Self.pages))
        await client.close()
        first.signal(signal)
        let exit = await first.waitForExit()
        if signal == SIGTERM { #expect(exit == 0) }

        let second = try await start(folder)
        defer { Task { await second.stop() } }
        let again = try await second.connect()
        _ = try await pollUntil(seconds: 120) { try await status(again, job)["state"]?.stringValue == "completed" }
        let final = try await status(again, job)
        #expect(final["state"] == "completed")
        await again.close()

        let output = try String(contentsOf: folder.url.appendingPathComponent("output/site.jsonl"), encoding: .utf8)
        let urls = try output.split(separator: "\n").map { line in
            try #require(try JSONValue.parse(String(line)).objectValue?["url"]?.stringValue)
        }
        let expected = Set((0..<Self.pages).map { "\(site.base)/p/\($0).html" })
        #expect(urls.count == Set(urls).count, "every page once")
        #expect(Set(urls) == expected, "every reachable page")
    }

    @Test func sigtermMidJobThenResumeWritesEveryPageOnce() async throws {
        try await interruptAndResume(signal: SIGTERM)
    }

    @Test func sigkillMidJobThenResumeWritesEveryPageOnce() async throws {
        try await interruptAndResume(signal: SIGKILL)
    }
}
