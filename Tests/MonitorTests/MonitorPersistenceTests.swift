import JSON
import TestSupport
import Testing

@testable import Monitor

@Suite(.serialized) struct MonitorPersistenceTests {
    @Test func eachStructureIsPersistedWithItsTTL() async throws {
        let server = try RedisServer()
        try server.start()
        let running = try RunningMonitor(id: "node-1", redisURL: server.url)
        let open = running.monitor.recordStart(op: "crawl", requestID: "slow", url: "http://127.0.0.1/slow")
        running.request(op: "crawl", success: true)
        running.request(op: "crawl", success: false)
        running.monitor.recordPoolEvent(kind: "closed", signature: "abc", tier: "cold", idleSeconds: 40, ttlSeconds: 30)
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HGET", "crawld:node-1:endpoints", "crawl:count")) == "2" })
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HLEN", "crawld:node-1:active")) == "1" })

        let expected = [
            ("crawld:node-1:active", 300), ("crawld:node-1:completed", 3600), ("crawld:node-1:errors", 3600),
            ("crawld:node-1:janitor", 3600), ("crawld:node-1:endpoints", 86400), ("crawld:heartbeat:node-1", 60),
        ]
        for (key, ttl) in expected {
            let remaining = Int(try server.cli("TTL", key)) ?? -3
            #expect(remaining > 0 && remaining <= ttl, "\(key) TTL \(remaining)")
        }
        #expect(try server.cli("TYPE", "crawld:node-1:completed") == "list")
        #expect(try server.cli("LLEN", "crawld:node-1:completed") == "2")
        #expect(try server.cli("LLEN", "crawld:node-1:errors") == "1")
        #expect(try server.cli("LINDEX", "crawld:node-1:errors", "0").contains("connection refused"))
        #expect(try server.cli("LINDEX", "crawld:node-1:janitor", "0").contains("\"kind\":\"closed\""))
        #expect(try server.cli("HGET", "crawld:node-1:endpoints", "crawl:errors") == "1")
        #expect(try server.cli("HGET", "crawld:heartbeat:node-1", "listen") == "127.0.0.1:7070")
        #expect(try server.cli("SISMEMBER", "crawld:instances", "node-1") == "1")

        running.monitor.recordEnd(open, outcome: MonitorOutcome(success: true))
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HLEN", "crawld:node-1:active")) == "0" })
        _ = running.monitor.resetStats()
        #expect(await pollUntil(seconds: 120) { (try? server.cli("EXISTS", "crawld:node-1:endpoints")) == "0" })

        // A clean shutdown deregisters at once.
        await running.stop()
        #expect(try server.cli("EXISTS", "crawld:heartbeat:node-1") == "0")
        #expect(try server.cli("SISMEMBER", "crawld:instances", "node-1") == "0")
    }

    @Test func eachFlushSendsOnlyWhatIsNew() async throws {
        let server = try RedisServer()
        try server.start()
        let running = try RunningMonitor(id: "node-f", redisURL: server.url)
        func count() -> String? { try? server.cli("HGET", "crawld:node-f:endpoints", "crawl:count") }
        for _ in 0..<3 { running.request() }
        #expect(await pollUntil(seconds: 120) { count() == "3" })
        for _ in 0..<2 { running.request(success: false) }
        #expect(await pollUntil(seconds: 120) { count() == "5" })
        #expect(try server.cli("HGET", "crawld:node-f:endpoints", "crawl:errors") == "2")
        #expect(try server.cli("LLEN", "crawld:node-f:completed") == "5")
        #expect(try server.cli("LLEN", "crawld:node-f:errors") == "2")
        // A later flush (the one that carries a marker) sends none of them again.
        running.request(op: "marker")
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HGET", "crawld:node-f:endpoints", "marker:count")) == "1" })
        #expect(count() == "5")

        // 150 more across flushes: the list keeps the newest 100, newest first.
        for i in 0..<150 {
            running.request(op: i == 149 ? "last" : "crawl")
            if i % 50 == 0 { #expect(await pollUntil(seconds: 120) { count() == "\(6 + i)" }, "a flush between batches") }
        }
        // The last two were recorded back to back and may land in two flushes: wait for the last one.
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HGET", "crawld:node-f:endpoints", "last:count")) == "1" })
        #expect(count() == "154")
        #expect(try server.cli("LLEN", "crawld:node-f:completed") == "100")
        #expect(try server.cli("LINDEX", "crawld:node-f:completed", "0").contains(#""op":"last""#))

        // After a reset only what is counted afterwards goes out.
        _ = running.monitor.resetStats()
        #expect(await pollUntil(seconds: 120) { (try? server.cli("EXISTS", "crawld:node-f:endpoints")) == "0" })
        running.request()
        #expect(await pollUntil(seconds: 120) { count() == "1" })
        #expect(try server.cli("LLEN", "crawld:node-f:completed") == "1")
        running.request(op: "marker")
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HGET", "crawld:node-f:endpoints", "marker:count")) == "1" })
        #expect(count() == "1")
        await running.stop()
    }

    @Test func restartKeepsPerOpStats() async throws {
        let server = try RedisServer()
        try server.start()
        let first = try RunningMonitor(id: "node-r", redisURL: server.url)
        for _ in 0..<5 { first.request(op: "crawl") }
        first.request(op: "ping")
        await first.stop()
        #expect(try server.cli("HGET", "crawld:node-r:endpoints", "crawl:count") == "5")

        let second = try RunningMonitor(id: "node-r", redisURL: server.url)
        #expect(await pollUntil(seconds: 120) { second.monitor.endpoints().object("ops")?.object("crawl")?["count"] == 5 })
        #expect(second.monitor.endpoints().object("ops")?.object("ping")?["count"] == 1)
        second.request(op: "crawl")
        #expect(second.monitor.endpoints().object("ops")?.object("crawl")?["count"] == 6)
        #expect(await pollUntil(seconds: 120) { (try? server.cli("HGET", "crawld:node-r:endpoints", "crawl:count")) == "6" })
        await second.stop()
    }

    @Test func redisDeathMidTrafficThenBacklogLands() async throws {
        let server = try RedisServer()
        try server.start()
        let running = try RunningMonitor(id: "node-k", redisURL: server.url)
        let monitor = running.monitor
        #expect(await pollUntil(seconds: 120) { monitor.health().object("redis")?["state"] == "connected" })
        var total = 0
        for _ in 0..<50 {
            running.request()
            total += 1
        }
        server.kill()
        for _ in 0..<200 {
            running.request()
            total += 1
        }
        #expect(
            await pollUntil(seconds: 120) {
                running.request()
                total += 1
                let state = monitor.health().object("redis")?["state"]?.stringValue
                return state == "down" || state == "circuit_open"
            })
        #expect(monitor.endpoints().object("ops")?.object("crawl")?["count"]?.intValue == Int64(total))

        try server.start()
        #expect(await pollUntil(seconds: 120) { monitor.health().object("redis")?["state"] == "connected" })
        // Nothing acknowledged is lost (append-only file), and nothing counted while down is lost.
        #expect(await pollUntil(seconds: 120) { (Int((try? server.cli("HGET", "crawld:node-k:endpoints", "crawl:count")) ?? "") ?? 0) >= total })
        await running.stop()
    }

    @Test func instancesSeeEachOtherAndDeadOnesDisappear() async throws {
        let server = try RedisServer()
        try server.start()
        // A heartbeat lives 30 beats: a beat held up by a loaded machine does not make a live instance look dead.
        let a = try RunningMonitor(id: "node-a", redisURL: server.url, heartbeatTTL: 9, heartbeatInterval: .milliseconds(300))
        let b = try RunningMonitor(id: "node-b", redisURL: server.url, heartbeatTTL: 9, heartbeatInterval: .milliseconds(300))
        func ids(_ monitor: Monitor) async -> [String] {
            await monitor.cluster().array("instances")?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        }
        #expect(await pollUntil(seconds: 120) { await ids(a.monitor) == ["node-a", "node-b"] })
        #expect(await pollUntil(seconds: 120) { await ids(b.monitor) == ["node-a", "node-b"] })
        #expect(await a.monitor.liveInstanceIDs() == ["node-a", "node-b"])
        let row = await a.monitor.cluster().array("instances")?.first?.objectValue
        #expect(row?["listen"] == "127.0.0.1:7070")
        #expect(row?["pid"]?.intValue != nil)

        // b dies without deregistering: its link goes away, its heartbeat expires.
        await b.redis?.shutdown()
        b.task.cancel()
        #expect(await pollUntil(seconds: 60) { await ids(a.monitor) == ["node-a"] })
        #expect(await a.monitor.liveInstanceIDs() == ["node-a"])
        #expect(try server.cli("SISMEMBER", "crawld:instances", "node-b") == "0")
        await a.stop()
    }
}
