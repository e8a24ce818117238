import Foundation
import JSON
import Testing
import TestSupport

/// The monitor through the real binary and a real redis-server: counters
/// survive a restart, instances see each other, a killed one drops out.
@Suite(.serialized) struct DaemonMonitorTests {
    private func start(_ redis: RedisServer, id: String) async throws -> DaemonProcess {
        try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", redis.url, "--instance-id", id, "--heartbeat-interval", "0.5"],
            environment: ["CRAWLD_REDIS_TTL_HEARTBEAT": "2"]
        )
    }

    private func pingCount(_ client: LineClient) async throws -> Int64? {
        let endpoints = try await client.request(["op": "monitor.endpoints"]).answer
        return endpoints["ops"]?.objectValue?["ping"]?.objectValue?["count"]?.intValue
    }

    @Test func perOpStatsSurviveARestart() async throws {
        let redis = try RedisServer()
        try redis.start()
        defer { redis.stop() }
        let first = try await start(redis, id: "stats-a")
        let client = try await first.connect()
        for _ in 0..<5 { _ = try await client.request(["op": "ping"]) }
        #expect(try await pingCount(client) == 5)
        await client.close()
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)

        let second = try await start(redis, id: "stats-a")
        defer { Task { await second.stop() } }
        let again = try await second.connect()
        _ = try await again.request(["op": "ping"])
        // The counters are read back from Redis once the link is up.
        #expect(try await pollUntil(seconds: 120) { try await pingCount(again) == 6 })
        await again.close()
    }

    /// The crawl op hands the monitor the page's status and pool use as typed values.
    @Test func aCrawlsStatusAndPoolUseReachMonitorRequests() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        try await withTestHTTPServer { server in
            let client = try await daemon.connect()
            let missing = try await client.request(["op": "crawl", "url": .string(server.url("/no-such-page")), "extract": false]).answer
            #expect(missing["status"] == 404)
            let answer = try await client.request(["op": "monitor.requests", "status": "success"]).answer
            let row = answer["completed"]?.arrayValue?.first?.objectValue
            #expect(row?["op"] == "crawl" && row?["status"] == 404)
            #expect(row?["pool_hit"] == missing["pool"]?.objectValue?["hit"])
            await client.close()
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test func twoInstancesSeeEachOtherAndAKilledOneDropsOut() async throws {
        let redis = try RedisServer()
        try redis.start()
        defer { redis.stop() }
        let a = try await start(redis, id: "cluster-a")
        defer { Task { await a.stop() } }
        let b = try await start(redis, id: "cluster-b")
        let client = try await a.connect()
        func ids() async throws -> Set<String> {
            let answer = try await client.request(["op": "monitor.cluster"]).answer
            return Set(answer["instances"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? [])
        }
        // Polled, not read again: a heartbeat of a stalled instance may lapse in between.
        #expect(try await pollUntil(seconds: 120) { try await ids() == ["cluster-a", "cluster-b"] })
        b.signal(SIGKILL)
        _ = await b.waitForExit()
        #expect(try await pollUntil(seconds: 120) { try await ids() == ["cluster-a"] })
        await client.close()
    }

    @Test func healthSaysWhenRedisIsGoneAndRequestsStillWork() async throws {
        let redis = try RedisServer()
        try redis.start()
        defer { redis.stop() }
        let daemon = try await start(redis, id: "health-a")
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        redis.kill()
        _ = try await pollUntil(seconds: 30) {
            let health = try await client.request(["op": "monitor.health"]).answer
            return health["redis"]?.objectValue?["state"]?.stringValue != "connected"
        }
        #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        await client.close()
    }

    @Test func notifySocketReceivesReadyAndStopping() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("notify").path
        let receiver = try UnixDatagramReceiver(path: path)
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", "none"], environment: ["NOTIFY_SOCKET": path]
        )
        _ = await pollUntil(seconds: 20) { receiver.drain().contains("READY=1") }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        let messages = receiver.drain()
        #expect(messages.contains("READY=1"))
        #expect(messages.contains("STOPPING=1"))
    }
}
