import Foundation
import JSON
import Testing
import TestSupport

/// What a hostile website (or a client's job) does to jobs, against the real
/// binary, with a fresh connection's `ping` checked beside each attack.
/// Serialized: the wildcard attack keeps a core busy, and the other tests'
/// `ping` bounds are about their own daemon, not about that one.
@Suite(.serialized) struct DaemonHostileSiteTests {
    private func submit(_ client: LineClient, _ parameters: JSONObject) async throws -> String {
        var request = parameters
        request["op"] = "job.submit"
        let answer = try await client.request(.object(request)).answer
        return try #require(answer["job"]?.stringValue, "\(answer)")
    }

    /// `Crawl-delay: 1e16` once trapped converting to milliseconds and killed
    /// the daemon; and a cancelled job's delay held the host for other jobs.
    @Test func crawlDelayOfAnyNumberNeitherKillsTheDaemonNorOutlivesItsJob() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        var sites: [JobSiteServer] = []
        try await daemon.withClient { client in
            for value in ["1e16", "1e300", "-5", "nan", "inf"] {
                let site = try JobSiteServer(pages: 5, crawlDelay: value)
                sites.append(site)
                let job = try await submit(client, ["urls": [.string(site.base + "/p/0.html")], "max_pages": 5])
                #expect(try await pollUntil(seconds: 60) { (try await jobStatus(client, job)["crawled"]?.intValue ?? 0) >= 1 }, "Crawl-delay: \(value)")
                #expect(try await PingProbe.answerTime(port: daemon.port) < .seconds(1))
                if value == "1e16" {
                    // Held by its (clamped) minute-long delay: cancel it, then a job that ignores robots.txt proceeds.
                    let cancelled = try await client.request(["op": "job.cancel", "job": .string(job)], timeout: .seconds(5)).answer
                    #expect(cancelled["state"] == "cancelled")
                    let next = try await submit(client, ["urls": [.string(site.base + "/p/0.html")], "max_pages": 5, "obey_robots": false])
                    #expect(try await pollUntil(seconds: 30) { try await jobStatus(client, next)["state"] == "completed" })
                    #expect(try await jobStatus(client, next)["crawled"] == 5)
                }
            }
        }
    }

    /// Twenty seeds under `Crawl-delay: 1000000` used to reserve every slot of
    /// the host for days; a second job waiting behind them could not be cancelled.
    @Test func cancelOfAJobQueuedBehindAnotherJobsDelayAnswersPromptly() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let log = folder.url.appendingPathComponent("site.log").path
        let arrivals = folder.url.appendingPathComponent("arrivals.log").path
        let site = try JobSiteServer(pages: 40, crawlDelay: "1000000", log: log, arrivals: arrivals)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        func lines(_ path: String) -> [Substring] { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n") }
        try await daemon.withClient { client in
            let seeds = (0..<20).map { JSONValue.string(site.base + "/p/\($0).html") }
            let first = try await submit(client, ["urls": .array(seeds), "concurrency": 20, "follow_links": false])
            #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, first)["crawled"] == 1 })
            let second = try await submit(client, ["urls": [.string(site.base + "/p/30.html")]])
            // The second job has its own robots.txt answered (the log is written once a request is answered)...
            #expect(await pollUntil(seconds: 60) { lines(log).filter { $0.hasSuffix(" /robots.txt") }.count == 2 })
            // ...then a marker: a job that ignores robots.txt, started after that, gets its page.
            let marker = try await submit(client, ["urls": [.string(site.base + "/p/31.html")], "obey_robots": false, "follow_links": false])
            #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, marker)["state"] == "completed" })
            #expect(!lines(arrivals).contains("/p/30.html"), "held by the crawl-delay")
            #expect(try await jobStatus(client, second)["crawled"] == 0, "held by the crawl-delay")
            let cancelled = try await client.request(["op": "job.cancel", "job": .string(second)], timeout: .seconds(5)).answer
            #expect(cancelled["state"] == "cancelled")
            #expect(try await PingProbe.answerTime(port: daemon.port) < .seconds(1))
        }
    }

    /// SIGTERM behind a site's `Crawl-delay: 1000000` and a client's
    /// `delay_ms: 3600000` used to wait for them, far past `--drain-timeout`.
    @Test func sigtermEndsWithinTheDrainTimeoutBehindLongDelays() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let slowSite = try JobSiteServer(pages: 40, crawlDelay: "1000000")
        let otherSite = try JobSiteServer(pages: 40)
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--drain-timeout", "5"])
        let jobs = try await daemon.withClient { client in
            let robotsJob = try await submit(client, ["urls": [.string(slowSite.base + "/p/0.html")]])
            let delayJob = try await submit(
                client, ["urls": [.string(otherSite.base + "/p/0.html")], "delay_ms": 3_600_000, "obey_robots": false])
            for job in [robotsJob, delayJob] {
                #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["crawled"] == 1 })
            }
            return [robotsJob, delayJob]
        }
        daemon.signal(SIGTERM)
        let exit = await daemon.waitForExit(timeout: .seconds(6))
        #expect(exit == 0, "still running 6 s after SIGTERM with --drain-timeout 5")
        await daemon.stop()
        for job in jobs {
            let checkpoint = try JSONValue.parse(Array(try Data(contentsOf: folder.url.appendingPathComponent("state/jobs/\(job).json"))))
            #expect(checkpoint.objectValue?["state"] == "interrupted")
        }
    }

    /// A 20-page job on a site whose every page links to 10,000 fresh URLs
    /// once queued 749,986 of them and wrote a 39 MB checkpoint.
    @Test func frontierOfAHostileSiteStaysBounded() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 1, latencyMs: 300)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        let job = try await daemon.withClient { client in
            let job = try await submit(client, ["urls": [.string(site.base + "/wide/0")], "max_pages": 20, "concurrency": 2, "obey_robots": false])
            #expect(try await pollUntil(seconds: 60) { (try await jobStatus(client, job)["crawled"]?.intValue ?? 0) >= 6 })
            let status = try await jobStatus(client, job)
            #expect((status["urls_dropped"]?.intValue ?? 0) >= 40_000, "\(status)")
            #expect(try await PingProbe.answerTime(port: daemon.port) < .seconds(1))
            return job
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(30)) == 0)
        let file = folder.url.appendingPathComponent("state/jobs/\(job).json")
        let bytes = try Data(contentsOf: file)
        let pending = try JSONValue.parse(Array(bytes)).objectValue?["pending"]?.arrayValue?.count ?? .max
        #expect(pending <= 20 + 1_000, "what the job can still crawl plus the margin")
        #expect(bytes.count < 256 * 1024, "the checkpoint stays small")
    }

    /// A 498 KiB robots.txt of long wildcard rules with 60 long links per page,
    /// and two jobs of long include patterns, once left `ping` unanswered for
    /// 8-10 s; 1,000 patterns per list were accepted.
    @Test func wildcardRulesAndPatternsNeverStarveThePing() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 1, hostileRobots: true)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { client in
            // 1 KiB that a matcher backtracking to the last `*` compares again at every byte of a 4 KB URL.
            let longPattern = JSONValue.string("*" + String(repeating: "a", count: 1_022) + "b")
            let tooMany = try await client.request([
                "op": "job.submit", "urls": [.string(site.base + "/long/x")], "include": .array(Array(repeating: longPattern, count: 1_000)),
            ]).answer
            #expect(tooMany["ok"] == false)
            #expect(tooMany["error"]?.objectValue?["code"] == "bad_request", "\(tooMany)")
            let robotsJob = try await submit(client, ["urls": [.string(site.base + "/long/r")], "max_pages": 20])
            var patternJobs: [String] = []
            for name in ["p", "q"] {
                patternJobs.append(
                    try await submit(
                        client,
                        [
                            "urls": [.string(site.base + "/long/\(name)")], "max_pages": 40, "obey_robots": false,
                            "include": .array(Array(repeating: longPattern, count: 100)),
                            "exclude": .array(Array(repeating: longPattern, count: 100)),
                        ]))
            }
            let jobs = [robotsJob] + patternJobs
            let slowest = try await PingProbe.slowestAnswer(port: daemon.port, seconds: 300) {
                for job in jobs {
                    if try await jobStatus(client, job)["state"] != "completed" { return false }
                }
                return true
            }
            #expect(slowest < .seconds(1))
            for job in jobs { #expect(try await jobStatus(client, job)["state"] == "completed") }
            #expect(try await jobStatus(client, robotsJob)["crawled"] == 20, "the rules match none of the long links")
        }
    }
}
