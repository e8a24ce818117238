import Foundation
import JSON
import Testing
import TestSupport

/// One job spread over several real crawld binaries through a real
/// redis-server (`job.submit {cluster: true}`): three instances start it, one
/// is SIGKILLed mid-job, a fourth joins mid-job, the job is paused and
/// resumed, and at the end every page is in the output exactly once, each
/// instance crawled some, and the site's own timestamped request log shows
/// per-host politeness held across all instances together.
@Suite struct DaemonClusterCrawlTests {
    static let hosts = 6
    static let pagesPerHost = 40
    static let delayMs = 250
    static let maxConcurrency = 2

    private func start(_ id: String, _ folder: TemporaryDirectory, _ scripts: ScriptFolder, redis: RedisServer) async throws -> DaemonProcess {
        try await startClusterInstance(id, folder, redis: redis, config: scripts.path)
    }

    /// policies.lua with the test's fixed politeness for the 127.0.0.x hosts, in place of the adaptive one.
    private func scripts() -> ScriptFolder {
        let scripts = ScriptFolder(copying: ScriptFolder.shipped)
        let fixed = "function M.politeness(host, stats) return { delay_ms = \(Self.delayMs), max_concurrency = \(Self.maxConcurrency) } end"
        let policies = scripts.read("policies.lua").replacingOccurrences(of: "\nreturn M\n", with: "\n\(fixed)\n\nreturn M\n")
        scripts.write("policies.lua", policies)
        return scripts
    }

    private func crawledBy(_ status: JSONObject, _ id: String) -> Int64 {
        status["instances"]?.objectValue?[id]?.intValue ?? 0
    }

    @Test func fourInstancesOneJobEveryPageOnceAndPolite() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let log = folder.url.appendingPathComponent("requests.log").path
        let site = try JobSiteServer(pages: Self.pagesPerHost, latencyMs: 100, hosts: Self.hosts, log: log)
        let scripts = scripts()
        var daemons: [String: DaemonProcess] = [:]
        for id in ["a", "b", "c"] { daemons[id] = try await start(id, folder, scripts, redis: redis) }
        defer { Task { [daemons] in for daemon in daemons.values { await daemon.stop() } } }
        let client = try await daemons["a"]!.connect()
        let seeds = (0..<Self.hosts).map { JSONValue.string(site.base(host: $0) + "/p/0.html") }
        let submitted = try await client.request([
            "op": "job.submit", "cluster": true, "urls": .array(seeds), "concurrency": 3, "output": "spread",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue, "\(submitted)")
        let total = Int64(Self.hosts * Self.pagesPerHost)

        // b has crawled some pages, then it is killed; the others reclaim what it held.
        #expect(try await pollUntil(seconds: 60) { crawledBy(try await jobStatus(client, job), "b") >= 3 })
        daemons["b"]!.signal(SIGKILL)
        _ = await daemons["b"]!.waitForExit()
        let atKill = try await jobStatus(client, job)
        #expect(atKill["state"] == "running")
        #expect((atKill["crawled"]?.intValue ?? 0) < total, "the job is still running when b dies")

        // d joins mid-job and takes pages.
        daemons["d"] = try await start("d", folder, scripts, redis: redis)
        #expect(try await pollUntil(seconds: 30) { crawledBy(try await jobStatus(client, job), "d") >= 1 })

        // Paused: nothing more than the pages in flight is crawled; resumed: it goes on.
        let paused = try await client.request(["op": "job.pause", "job": .string(job)]).answer
        #expect(paused["state"] == "paused")
        let atPause = paused["crawled"]?.intValue ?? 0
        // A marker: a small cluster job submitted after the pause runs to its
        // end on the same instances, so their workers claimed pages since.
        let markerSite = try JobSiteServer(pages: 3)
        let marker = try #require(
            try await client.request([
                "op": "job.submit", "cluster": true, "urls": [.string(markerSite.base + "/p/0.html")], "output": "marker",
            ]).answer["job"]?.stringValue)
        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, marker)["state"] == "completed" })
        let stillPaused = try await jobStatus(client, job)
        #expect(stillPaused["state"] == "paused")
        let inFlightBound = Int64(3 * 3)
        #expect((stillPaused["crawled"]?.intValue ?? 0) <= atPause + inFlightBound, "a paused job claims no page")
        #expect((stillPaused["crawled"]?.intValue ?? 0) < total, "the job is still unfinished when paused")
        let resumed = try await client.request(["op": "job.resume", "job": .string(job)]).answer
        #expect(resumed["state"] == "running")

        let reader = try await daemons["c"]!.connect()
        #expect(try await pollUntil(seconds: 120) { try await jobStatus(reader, job)["state"] == "completed" })
        let final = try await jobStatus(reader, job)
        #expect(final["crawled"] == .int(total))
        for id in ["a", "b", "c", "d"] { #expect(crawledBy(final, id) > 0, "instance \(id) crawled some pages") }

        // Every page exactly once, read in one stable order from another instance.
        var urls: [String] = []
        var cursor: JSONValue = .null
        repeat {
            var request: JSONObject = ["op": "job.results", "job": .string(job), "limit": 100]
            if cursor != .null { request["cursor"] = cursor }
            let page = try await reader.request(.object(request)).answer
            #expect(page["total"] == .int(total))
            urls += (page["records"]?.arrayValue ?? []).compactMap { $0.objectValue?["url"]?.stringValue }
            cursor = page["next"] ?? .null
        } while cursor != .null
        let expected = Set((0..<Self.hosts).flatMap { host in (0..<Self.pagesPerHost).map { "\(site.base(host: host))/p/\($0).html" } })
        #expect(urls.count == Set(urls).count, "every page once")
        #expect(Set(urls) == expected, "every page")
        let again = try await client.request(["op": "job.results", "job": .string(job), "limit": 1000]).answer
        #expect((again["records"]?.arrayValue ?? []).compactMap { $0.objectValue?["url"]?.stringValue } == urls, "a stable order")
        await client.close()
        await reader.close()
        // Stopped here, not only by the deferred task: run last, the test process may exit before that task does.
        for daemon in daemons.values { await daemon.stop() }
        try expectPolite(log)
    }

    /// From the server's log: per host, robots.txt was asked once for the
    /// whole job, no two page requests started closer than `delayMs` (less
    /// 40 ms for the time between the claim in Redis and the request reaching
    /// the server), and at most `maxConcurrency` were in flight at once.
    private func expectPolite(_ path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        var starts: [String: [(Double, Double)]] = [:]
        var robots: [String: Int] = [:]
        for line in lines {
            let fields = line.split(separator: " ")
            guard fields.count == 4, let start = Double(fields[0]), let end = Double(fields[1]) else { continue }
            let host = String(fields[2])
            if fields[3] == "/robots.txt" {
                robots[host, default: 0] += 1
            } else {
                starts[host, default: []].append((start, end))
            }
        }
        #expect(starts.count == Self.hosts)
        #expect(robots.values.allSatisfy { $0 == 1 }, "robots.txt once per host per job: \(robots)")
        for (host, requests) in starts {
            let sorted = requests.sorted { $0.0 < $1.0 }
            let gaps = zip(sorted.dropFirst(), sorted).map { ($0.0 - $1.0) * 1000 }
            let closest = gaps.min() ?? .infinity
            #expect(closest >= Double(Self.delayMs - 40), "\(host): two requests \(closest) ms apart")
            let most = sorted.map { request in sorted.filter { $0.0 <= request.0 && $0.1 > request.0 }.count }.max() ?? 0
            #expect(most <= Self.maxConcurrency, "\(host): \(most) requests at once")
        }
    }
}
