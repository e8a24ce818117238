import Foundation
import JSON
import Testing
import TestSupport

/// `--http` against the real binary with a real HTTP client: the routes
/// answer what the line protocol's ops answer, bad input gets its error code
/// and loses nothing, and the guard refuses what it must.
@Suite struct DaemonHTTPTests {
    private func start(_ extra: [String] = []) async throws -> (DaemonProcess, HTTPTestClient) {
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"] + extra)
        return (daemon, HTTPTestClient(base: try await daemon.httpBase()))
    }

    @Test func monitorRoutesAnswerWhatTheOpsAnswer() async throws {
        let (daemon, http) = try await start()
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { client in
            // Two failed requests, so the error log has entries to compare.
            _ = try await client.request(["op": "crawl", "url": "not a url"])
            _ = try await client.request(["op": "job.status", "job": "nope"])
            let line = try await client.request(["op": "monitor.logs", "kind": "errors"]).answer
            let route = try await http.get("/monitor/logs/errors")
            #expect(route.status == 200)
            #expect(route.json["entries"] == line["entries"])
            #expect(route.json["entries"]?.arrayValue?.count == 2)

            let pool = try await http.get("/monitor/pool").json
            let linePool = try await client.request(["op": "monitor.pool"]).answer
            let signatures = { (answer: JSONObject) in answer["engines"]?.arrayValue?.compactMap { $0.objectValue?["sig"]?.stringValue } }
            #expect(signatures(pool) == signatures(linePool))
            #expect(signatures(pool)?.count == 1)

            for path in [
                "/monitor/health", "/monitor/requests?limit=5", "/monitor/endpoints", "/monitor/timeline?metric=memory&window=60",
                "/monitor/logs/janitor", "/monitor/cluster", "/jobs",
            ] {
                let answer = try await http.get(path)
                #expect(answer.status == 200, "\(path): \(answer.body)")
                #expect(answer.json["ok"] == true, "\(path)")
                #expect(answer.headers["Access-Control-Allow-Origin"].isEmpty, "no CORS on \(path)")
            }
            let missing = try await http.get("/jobs/nope")
            let lineMissing = try await client.request(["op": "job.status", "job": "nope"]).answer
            #expect(missing.status == 404)
            #expect(missing.json["error"] == lineMissing["error"])
            // The HTTP requests were recorded like line requests.
            let endpoints = try await client.request(["op": "monitor.endpoints"]).answer
            #expect(endpoints["ops"]?.objectValue?["monitor.health"]?.objectValue?["count"] == 1)
        }
    }

    @Test func badInputGetsItsErrorCodeAndTheDaemonKeepsAnswering() async throws {
        let (daemon, http) = try await start()
        defer { Task { await daemon.stop() } }
        let cases: [(String, String, String, Int, String)] = [
            ("GET", "/monitor/requests?limit=abc", "", 400, "bad_request"),
            ("GET", "/monitor/requests?limit=1000", "", 400, "bad_request"),
            ("GET", "/monitor/timeline?metric=bogus", "", 400, "bad_request"),
            ("GET", "/monitor/timeline", "", 400, "bad_request"),
            ("GET", "/monitor/pool?extra=1", "", 400, "bad_request"),
            ("POST", "/monitor/actions/kill", "{not json", 400, "bad_json"),
            ("POST", "/monitor/actions/kill", "[1]", 400, "bad_request"),
            ("POST", "/monitor/actions/kill", "", 400, "bad_request"),
            ("POST", "/monitor/actions/kill", #"{"sig":"ffffffff"}"#, 404, "not_found"),
            ("POST", "/jobs/nope/cancel", "", 404, "not_found"),
        ]
        for (method, path, body, status, code) in cases {
            let answer = method == "GET" ? try await http.get(path) : try await http.post(path, body: body)
            #expect(answer.status == status, "\(method) \(path) \(body): \(answer.body)")
            #expect(answer.errorCode == code, "\(method) \(path) \(body)")
        }
        let tooBig = try await http.post("/monitor/actions/kill", body: "{\"sig\":\"" + String(repeating: "a", count: 100_000) + "\"}")
        #expect(tooBig.errorCode == "bad_request")
        #expect(try await http.get("/nowhere").status == 404)
        #expect(try await daemon.withClient { try await $0.request(["op": "ping"]).answer["ok"] } == true)
        #expect(try await http.get("/monitor/health").status == 200)
    }

    @Test func killAndRestartRoutesActOnThePool() async throws {
        let (daemon, http) = try await start()
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            try await daemon.withClient { client in
                let crawl = try await client.request([
                    "op": "crawl", "url": .string(server.url("/headers")), "config": ["headers": ["x-dashboard": "1"]],
                ]).answer
                let sig = try #require(crawl["pool"]?.objectValue?["sig"]?.stringValue, "\(crawl)")
                func signatures() async throws -> [String] {
                    try await client.request(["op": "monitor.pool"]).answer["engines"]?.arrayValue?.compactMap { $0.objectValue?["sig"]?.stringValue } ?? []
                }
                #expect(try await signatures().contains(sig))
                let killed = try await http.post("/monitor/actions/kill", body: #"{"sig":"\#(sig)"}"#)
                #expect(killed.status == 200, "\(killed.body)")
                #expect(killed.json["sig"]?.stringValue == sig)
                #expect(try await !signatures().contains(sig))
                let restarted = try await http.post("/monitor/actions/restart?sig=permanent")
                #expect(restarted.status == 200, "\(restarted.body)")
                #expect(try await http.post("/monitor/actions/cleanup").json["closed"] != nil)
                #expect(try await http.post("/monitor/stats/reset").json["reset"] == true)
            }
        }
    }

    @Test func jobRoutesListShowAndCancel() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 40, crawlDelay: "1000000")
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--http", "127.0.0.1:0"])
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        try await daemon.withClient { client in
            let job = try #require(try await client.request(["op": "job.submit", "urls": [.string(site.base + "/p/0.html")]]).answer["job"]?.stringValue)
            let listed = try await http.get("/jobs").json["jobs"]?.arrayValue?.compactMap { $0.objectValue?["job"]?.stringValue }
            #expect(listed == [job])
            #expect(try await http.get("/jobs/\(job)").json["job"]?.stringValue == job)
            let cancelled = try await http.post("/jobs/\(job)/cancel")
            #expect(cancelled.status == 200, "\(cancelled.body)")
            #expect(cancelled.json["state"] == "cancelled")
            #expect(try await client.request(["op": "job.status", "job": .string(job)]).answer["state"] == "cancelled")
        }
    }

    @Test func aTokenGuardsEveryRouteButTheDashboardPage() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let tokenFile = try folder.write("token", "s3cret-token\n")
        let (daemon, anonymous) = try await start(["--token-file", tokenFile])
        defer { Task { await daemon.stop() } }
        for path in ["/monitor/health", "/monitor/pool", "/jobs"] {
            let answer = try await anonymous.get(path)
            #expect(answer.status == 401, "\(path)")
            #expect(answer.errorCode == "unauthorized")
            #expect(answer.json["health"] == nil && answer.json["engines"] == nil)
        }
        var wrong = anonymous
        wrong.token = "s3cret-tokem"
        #expect(try await wrong.get("/monitor/health").status == 401)
        // A cookie is never a credential: a browser sends one to any site's form.
        #expect(try await anonymous.post("/monitor/stats/reset", headers: [("Cookie", "token=s3cret-token")]).status == 401)
        #expect(try await anonymous.get("/dashboard").status == 200)
        var right = anonymous
        right.token = "s3cret-token"
        #expect(try await right.get("/monitor/health").json["ok"] == true)
        #expect(try await right.post("/monitor/stats/reset").status == 200)
    }

    @Test func crossOriginPostsAndRebindingHostsAreRefused() async throws {
        let (daemon, http) = try await start()
        defer { Task { await daemon.stop() } }
        let host = http.authority
        let foreign = try await http.post("/monitor/stats/reset", headers: [("Origin", "http://evil.example")])
        #expect(foreign.status == 403)
        #expect(foreign.errorCode == "forbidden")
        #expect(try await http.post("/monitor/stats/reset", headers: [("Origin", "http://\(host)")]).status == 200)
        let rebound = try await http.get("/monitor/health", headers: [("Host", "evil.example:\(http.port)")])
        #expect(rebound.status == 403)
        #expect(try await http.get("/monitor/health", headers: [("Host", "localhost")]).status == 200)
        // A page of another site may open a WebSocket to any address: the upgrade is refused before it happens.
        // (Raw bytes: an HTTP client library will not send an upgrade it does not handle.)
        let raw = try await http.askForDashboardSocket(extra: "Origin: http://evil.example\r\n")
        // Hummingbird answers a refused upgrade 400, whatever the refusal said.
        let status = try await raw.readLine()
        #expect(status?.hasPrefix("HTTP/1.1 400") == true, "\(status ?? "nothing")")
        await raw.close()
        let preflight = try await http.send(.OPTIONS, "/monitor/stats/reset", headers: [("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST")])
        #expect(preflight.headers["Access-Control-Allow-Origin"].isEmpty)
    }

    /// An open dashboard socket (here one that never sent its first message)
    /// must not hold SIGTERM's drain: crawld exits 0 with the others.
    @Test func sigtermWithADashboardSocketOpenExitsCleanly() async throws {
        // A drain the socket held would run to its 600 s timeout: well past the wait below, however busy the run.
        let (daemon, http) = try await start(["--drain-timeout", "600"])
        let raw = try await http.askForDashboardSocket()
        #expect(try await raw.readLine()?.hasPrefix("HTTP/1.1 101") == true)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(120)) == 0)
        await raw.close()
    }
}
