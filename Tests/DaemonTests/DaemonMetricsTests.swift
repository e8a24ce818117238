import Foundation
import JSON
import Testing
import TestSupport

/// `GET /metrics` of the real binary: what promtool accepts, and the values
/// it shows after requests, a crawl, a refused reload and a pool kill.
@Suite struct DaemonMetricsTests {
    /// Runs `promtool check metrics` (Debian's `prometheus`) on `text`; its exit status and what it printed.
    private func promtool(_ text: String) throws -> (status: Int32, output: String) {
        let outcome = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/promtool"), ["check", "metrics"], input: text)
        return (outcome.status, outcome.stdout + outcome.stderr)
    }

    /// The value of the sample line that starts with `series ` (name and labels as printed).
    private func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func metricsPassPromtoolAndCountWhatHappened() async throws {
        let redis = try RedisServer()
        try redis.start()
        defer { redis.kill() }
        let scripts = ScriptFolder(copying: ScriptFolder.shipped)
        let daemon = try await DaemonProcess.start(arguments: ["--config", scripts.path, "--redis", redis.url, "--http", "127.0.0.1:0"])
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        try await withTestHTTPServer { server in
            try await daemon.withClient { client in
                for _ in 0..<3 { _ = try await client.request(["op": "ping"]) }
                _ = try await client.request(["op": "crawl", "url": "not a url"])
                _ = try await client.request(["op": "crawl", "url": .string(server.url("/headers"))])
                let other = try await client.request(["op": "crawl", "url": .string(server.url("/headers")), "config": ["headers": ["x-m": "1"]]]).answer
                let sig = try #require(other["pool"]?.objectValue?["sig"]?.stringValue)
                _ = try await client.request(["op": "pool.kill", "sig": .string(sig)])
                scripts.write("policies.lua", "this is not lua\n")
                #expect(try await client.request(["op": "reload"]).answer["ok"] == false)
                let connected = try await pollUntil { try await http.get("/monitor/health").json["redis"]?.objectValue?["state"] == "connected" }
                let health = try await http.get("/monitor/health").body
                #expect(connected, "\(health)")
            }
        }
        let scrape = try await http.get("/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers["Content-Type"].first?.hasPrefix("text/plain; version=0.0.4") == true)
        let checked = try promtool(scrape.body)
        #expect(checked.status == 0, "promtool: \(checked.output)")
        let text = scrape.body
        #expect(value(text, #"crawld_requests_total{op="ping",outcome="ok"}"#) == 3)
        #expect(value(text, #"crawld_requests_total{op="crawl",outcome="invalid_url"}"#) == 1)
        #expect(value(text, #"crawld_request_duration_seconds_count{op="crawl",outcome="ok"}"#) == 2)
        #expect(value(text, #"crawld_pool_requests_total{result="hit"}"#) == 1)
        #expect(value(text, #"crawld_pool_requests_total{result="miss"}"#) == 1)
        #expect(value(text, #"crawld_pool_events_total{event="kill"}"#) == 1)
        #expect(value(text, #"crawld_pool_engines{tier="permanent",kind="http"}"#) == 1)
        #expect(value(text, #"crawld_pool_engines{tier="hot",kind="http"}"#) == 0)
        #expect(value(text, "crawld_script_reload_failures_total") == 1)
        #expect(value(text, "crawld_scripts_generation") == 1)
        #expect(value(text, "crawld_redis_up") == 1)
        #expect(value(text, "crawld_redis_queue_depth") != nil)
        #expect(value(text, #"crawld_jobs{state="running"}"#) == 0)
        #expect(value(text, "crawld_browser_pss_bytes") == 0)
    }

    /// The scrape is a request nobody can inflate: an unknown op, however
    /// named, adds no series.
    @Test func unknownOpsAddNoSeries() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"])
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        try await daemon.withClient { client in
            for index in 0..<20 { _ = try await client.request(["op": .string("made.up.\(index)")]) }
        }
        let text = try await http.get("/metrics").body
        #expect(!text.contains("made.up"))
        #expect(try promtool(text).status == 0)
    }
}
