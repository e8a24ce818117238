import Foundation
import JSON
import Testing
import TestSupport

/// Two real crawld binaries on one real redis-server share jobs: a job
/// submitted to one runs on either, both see it, and when the instance
/// running it is SIGKILLed the other claims it and finishes it, every page once.
@Suite struct DaemonClusterJobTests {
    static let pages = 60

    /// Heartbeats that outlive any stall of a busy test run: the runner is
    /// declared dead by the test (its heartbeat deleted) once it is killed, not before.
    private func start(_ id: String, _ folder: TemporaryDirectory, redis: RedisServer) async throws -> DaemonProcess {
        try await startClusterInstance(id, folder, redis: redis, heartbeatTTL: 300)
    }

    @Test func theOtherInstanceFinishesTheJobOfAKilledOne() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        // Past 20 pages the site holds every request: the job is still running when the runner is killed,
        // however loaded the machine (60 pages of 200 ms were not enough once); released after the kill.
        let site = try JobSiteServer(pages: Self.pages, latencyMs: 20, holdAfter: 20)
        let daemons = ["a": try await start("a", folder, redis: redis), "b": try await start("b", folder, redis: redis)]
        defer { Task { for daemon in daemons.values { await daemon.stop() } } }
        let clients = ["a": try await daemons["a"]!.connect(), "b": try await daemons["b"]!.connect()]
        let submitted = try await clients["a"]!.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "concurrency": 2, "output": "site.jsonl",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue)
        // The instance running the job answers live progress; the other one, as of the last checkpoint.
        var running: JSONObject = [:]
        _ = try await pollUntil(seconds: 60) {
            for (id, client) in clients {
                let status = try await jobStatus(client, job)
                if status["instance"]?.stringValue == id, (status["crawled"]?.intValue ?? 0) >= 10 {
                    running = status
                    return true
                }
            }
            return false
        }
        let runner = try #require(running["instance"]?.stringValue)
        #expect(running["state"] == "running")
        #expect((running["crawled"]?.intValue ?? 0) < Int64(Self.pages))
        let survivor = runner == "a" ? "b" : "a"
        let client = clients[survivor]!
        let seen = try await client.request(["op": "job.list"]).answer["jobs"]?.arrayValue ?? []
        #expect(seen.compactMap { $0.objectValue?["job"]?.stringValue } == [job], "both instances see the cluster's job")
        #expect(try await jobStatus(client, job)["instance"]?.stringValue == runner)
        await clients[runner]!.close()

        daemons[runner]!.signal(SIGKILL)
        _ = await daemons[runner]!.waitForExit()
        // What the heartbeat's expiry would do 300 s later.
        _ = try redis.cli("DEL", "crawld:heartbeat:\(runner)")
        try await site.release()
        _ = try await pollUntil(seconds: 90) { try await jobStatus(client, job)["state"]?.stringValue == "completed" }
        let final = try await jobStatus(client, job)
        #expect(final["state"] == "completed")
        #expect(final["instance"]?.stringValue == survivor)
        let results = try await client.request(["op": "job.results", "job": .string(job), "limit": 1000]).answer
        #expect(results["total"] == .int(Int64(Self.pages)))
        await client.close()
        try expectEveryPageOnce(folder.url.appendingPathComponent("output/site.jsonl"), site: site, pages: Self.pages)
    }
}

/// An instance of a test cluster: its own id and state folder, the shared
/// output folder, heartbeats every second that expire after `heartbeatTTL` seconds.
func startClusterInstance(
    _ id: String, _ folder: TemporaryDirectory, redis: RedisServer, config: String = ScriptFolder.shipped, heartbeatTTL: Int = 2, _ extra: [String] = []
) async throws -> DaemonProcess {
    try await DaemonProcess.start(
        arguments: extra + [
            "--config", config, "--redis", redis.url, "--instance-id", id, "--heartbeat-interval", "1",
            "--output-dir", folder.url.appendingPathComponent("output").path,
            "--state-dir", folder.url.appendingPathComponent("state-\(id)").path,
        ],
        environment: ["CRAWLD_REDIS_TTL_HEARTBEAT": String(heartbeatTTL)])
}

/// Two instances `a` and `b` of a test cluster on a fresh redis-server, their heartbeats living `heartbeatTTL`
/// seconds, and a site of `pages` pages answering after `latencyMs`; both are stopped when `body` returns.
func withTwoInstances(
    pages: Int, latencyMs: Int, heartbeatTTL: Int = 60,
    _ body: (_ redis: RedisServer, _ site: JobSiteServer, _ a: DaemonProcess, _ b: DaemonProcess) async throws -> Void
) async throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let redis = try RedisServer()
    try redis.start()
    let site = try JobSiteServer(pages: pages, latencyMs: latencyMs)
    let a = try await startClusterInstance("a", folder, redis: redis, heartbeatTTL: heartbeatTTL)
    let b = try await startClusterInstance("b", folder, redis: redis, heartbeatTTL: heartbeatTTL)
    do {
        try await body(redis, site, a, b)
    } catch {
        await a.stop()
        await b.stop()
        throw error
    }
    await a.stop()
    await b.stop()
}
