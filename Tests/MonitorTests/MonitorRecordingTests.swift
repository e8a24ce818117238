import Foundation
import JSON
import TestSupport
import Testing

@testable import Monitor

@Suite struct MonitorRecordingTests {
    @Test func tracksActiveCompletedAndPerOpStats() async throws {
        let running = try RunningMonitor(id: "solo", redisURL: nil)
        defer { running.task.cancel() }
        let monitor = running.monitor
        let longURL = "http://127.0.0.1/" + String(repeating: "a", count: 300)
        let open = monitor.recordStart(op: "crawl", requestID: "7", url: longURL, signature: "abcd1234")
        running.request(op: "crawl", success: true, poolHit: true)
        running.request(op: "crawl", success: false)
        running.request(op: "ping", success: true, poolHit: false)

        let requests = try monitor.requests()
        let active = try #require(requests.array("active"))
        #expect(active.count == 1)
        #expect(active.first?.objectValue?["url"]?.stringValue?.count == 100)
        #expect(active.first?.objectValue?["sig"] == "abcd1234")
        #expect(requests.array("completed")?.count == 3)
        #expect(try monitor.requests(status: "error").array("completed")?.count == 1)
        #expect(try monitor.requests(status: "success", limit: 1).array("completed")?.count == 1)

        let crawl = try #require(monitor.endpoints().object("ops")?.object("crawl"))
        #expect(crawl["count"] == 2)
        #expect(crawl["errors"] == 1)
        #expect(crawl["success_pct"] == 50.0)
        #expect(crawl["pool_hit_pct"] == 50.0)

        let errors = try #require(try monitor.logs(kind: "errors").array("entries"))
        #expect(errors.first?.objectValue?["message"] == "connection refused")

        monitor.recordEnd(open, outcome: MonitorOutcome(success: true, status: 404))
        #expect(monitor.inFlight == 0)
        #expect(try monitor.requests().array("completed")?.first?.objectValue?["status"] == 404)
        await running.stop()
    }

    @Test func keepsLastHundredAndPoolEvents() async throws {
        let running = try RunningMonitor(id: "solo", redisURL: nil)
        for _ in 0..<150 { running.request() }
        for i in 0..<120 {
            running.monitor.recordPoolEvent(kind: "closed", signature: "sig\(i)", tier: "cold", idleSeconds: 31, ttlSeconds: 30)
        }
        #expect(try running.monitor.requests().array("completed")?.count == 100)
        let janitor = try #require(try running.monitor.logs(kind: "janitor").array("entries"))
        #expect(janitor.count == 100)
        #expect(janitor.first?.objectValue?["sig"] == "sig119")
        #expect(janitor.first?.objectValue?["tier"] == "cold")
        #expect(running.monitor.endpoints().object("ops")?.object("crawl")?["count"] == 150)
        _ = running.monitor.resetStats()
        #expect(running.monitor.endpoints().object("ops")?.isEmpty == true)
        await running.stop()
    }

    @Test func healthTimelineAndBadParameters() async throws {
        let running = try RunningMonitor(id: "solo", redisURL: nil)
        let monitor = running.monitor
        running.request()
        monitor.setScripts(generation: 3, lastError: "policies.lua:4: boom")
        let health = monitor.health()
        #expect(health["memory_percent"] == 42.5)
        #expect(health["pressure"] == "LOW")
        #expect(health.object("redis")?["state"] == "disabled")
        #expect(health.object("scripts")?["generation"] == 3)
        #expect(health.object("scripts")?["last_error"] == "policies.lua:4: boom")
        #expect(health.object("pool")?.object("hot")?["engines"] == 2)
        #expect(health.object("network")?["rx_bytes"]?.intValue != nil)

        // run() samples once at start.
        #expect(await pollUntil { (try? monitor.timeline(metric: "memory").array("values")?.isEmpty == false) ?? false })
        let pool = try monitor.timeline(metric: "pool", window: 60)
        #expect(pool.array("values")?.first?.objectValue?["hot"] == 2)
        #expect(try monitor.timeline(metric: "requests").array("timestamps")?.isEmpty == false)

        #expect(throws: MonitorError.self) { try monitor.timeline(metric: "disk") }
        #expect(throws: MonitorError.self) { try monitor.timeline(metric: "memory", window: 3600) }
        #expect(throws: MonitorError.self) { try monitor.logs(kind: "debug") }
        #expect(throws: MonitorError.self) { try monitor.requests(status: "maybe") }
        #expect(throws: MonitorError.self) { try monitor.requests(limit: 0) }
        await running.stop()
    }

    @Test func processProbeReadsProcFixtures() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("self"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("net"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "42 (crawl d) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0"
            .write(to: root.appendingPathComponent("self/stat"), atomically: true, encoding: .utf8)
        try """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:  999999     10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
          eth0:    1000      5    0    0    0     0          0         0     2000       7    0    0    0     0       0          0
          eth1:     500      5    0    0    0     0          0         0      100       7    0    0    0     0       0          0
        """.write(to: root.appendingPathComponent("net/dev"), atomically: true, encoding: .utf8)
        let probe = ProcessProbe(procRoot: root.path)
        #expect(probe.cpuTicks() == 300)
        let network = probe.network()
        #expect(network.received == 1500)
        #expect(network.sent == 2100)
    }
}
