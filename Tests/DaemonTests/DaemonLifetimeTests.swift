import Foundation
import JSON
import Testing
import TestSupport

/// What outlives work in the real binary (issue 20): memory after many
/// finished jobs, and SIGTERM's bound of `--drain-timeout` plus the 5 s
/// `DrainDeadline` grace whatever the daemon waits on (a fetch that never
/// answers, a Redis that hangs, a browser that hangs). Runs alone (Makefile
/// SOLO_SUITES): it reads the daemon's RSS and times its exit.
@Suite(.serialized) struct DaemonLifetimeTests {
    /// The drain timeout these tests give crawld, and how late past it plus the grace its exit may come on a loaded machine.
    private static let drainTimeout = 2
    private static let exitBound: Duration = .seconds(drainTimeout + 5 + 3)

    private func submit(_ client: LineClient, _ parameters: JSONObject) async throws -> JSONObject {
        var request = parameters
        request["op"] = "job.submit"
        return try await client.request(.object(request)).answer
    }

    /// Runs `count` one-page jobs, `clients` at a time, each watched to its end.
    private func runJobs(_ count: Int, clients: Int, daemon: DaemonProcess, site: JobSiteServer) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<clients {
                group.addTask {
                    try await daemon.withClient { client in
                        for n in stride(from: lane, to: count, by: clients) {
                            let answer = try await submit(
                                client,
                                [
                                    "urls": [.string(site.base + "/p/\(n % 3).html")], "follow_links": false, "extract": false,
                                    "obey_robots": false, "watch": true,
                                ])
                            #expect(answer["state"] == "completed", "\(answer)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Issue 20's soak grew RSS by about 12 KB per finished job with
    /// `--jobs-keep 1000`: the job manager's task group kept every finished
    /// job's task (an 8 KiB stack slab and its task-local storage) until the
    /// daemon stopped. 1,200 jobs past a warm-up grew it by about 11.6 MB; a
    /// bound of half that leaves room for the allocator's own swings (±1 MB
    /// over 4,000 jobs).
    @Test func memoryStaysFlatOverManyFinishedJobs() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 3)
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--jobs-keep", "50"])
        defer { Task { await daemon.stop() } }
        try await runJobs(200, clients: 8, daemon: daemon, site: site)
        let warm = daemon.residentBytes
        try await runJobs(1_200, clients: 8, daemon: daemon, site: site)
        #expect(try await PingProbe.answerTime(port: daemon.port) < .seconds(1))
        let growth = daemon.residentBytes - warm
        #expect(growth < 6 << 20, "RSS grew \(growth / 1024) KiB over 1,200 finished jobs (\(growth / 1_200) bytes a job)")
    }

    /// A crawl and a job whose site accepts and never answers: SIGTERM ends
    /// both at the drain timeout, and crawld exits within the bound.
    @Test func sigtermEndsInTimeWhileFetchesNeverAnswer() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let silent = try await SilentTCPServer.start(ports: 1)
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--drain-timeout", String(Self.drainTimeout)])
        let crawler = try await daemon.connect()
        try await crawler.send(["op": "crawl", "url": .string(silent.urls[0] + "never"), "timeout_ms": 120_000])
        try await daemon.withClient { client in
            let job = try await submit(client, ["urls": [.string(silent.urls[0] + "job")], "obey_robots": false])
            let id = try #require(job["job"]?.stringValue, "\(job)")
            #expect(try await pollUntil { try await jobStatus(client, id)["current_url"]?.stringValue != nil })
            #expect(try await pollUntil { try await inFlight(client) >= 2 }, "the crawl and this request")
        }
        try await expectExitInTime(daemon)
        await crawler.close()
        await silent.stop()
    }

    /// A Redis that accepts and never answers (SIGSTOP) held crawld 22 s past
    /// a 2 s drain timeout: each checkpoint, flush and deregistration waited
    /// out Redis's I/O timeout in turn.
    @Test func sigtermEndsInTimeWhileRedisHangs() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let silent = try await SilentTCPServer.start(ports: 1)
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", redis.url, "--drain-timeout", String(Self.drainTimeout),
            "--output-dir", folder.url.appendingPathComponent("output").path,
        ])
        try await daemon.withClient { client in
            let job = try await submit(client, ["urls": [.string(silent.urls[0] + "job")], "obey_robots": false])
            let id = try #require(job["job"]?.stringValue, "\(job)")
            #expect(try await pollUntil { try await jobStatus(client, id)["current_url"]?.stringValue != nil })
        }
        redis.signal(SIGSTOP)
        try await expectExitInTime(daemon)
        redis.signal(SIGCONT)
        await silent.stop()
    }

    /// A daemon with Redis whose `--listen` address is taken exits at once
    /// with the bind error, as one without Redis does. It used to stay up: its
    /// tasks cancelled and its Redis connection shut down, the cluster loop
    /// retried Redis in a tight loop, a warning a turn (millions of lines and
    /// a core), until killed.
    @Test func aTakenListenAddressEndsTheDaemonWithRedisToo() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        defer { redis.stop() }
        let holder = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = [
            "--config", ScriptFolder.shipped, "--redis", redis.url, "--listen", "127.0.0.1:\(holder.port)",
            "--output-dir", folder.url.appendingPathComponent("output").path,
            "--state-dir", folder.url.appendingPathComponent("state").path,
        ]
        let log = folder.url.appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let exited = await Task.detached { ProcessExit.wait(for: process, killAfter: .seconds(20)) }.value
        await holder.stop()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(exited, "still running 20 s after its listener failed to bind")
        #expect(process.terminationStatus != 0)
        #expect(text.contains("Address already in use"), "\(text.suffix(500))")
        #expect(text.components(separatedBy: "cluster jobs unreachable").count <= 2, "the cluster loop logged each retry")
    }

    /// A browser that stops answering mid-render (SIGSTOP to its process
    /// group): crawld exits within the bound and leaves no browser behind.
    @Test func sigtermEndsInTimeWhileABrowserHangs() async throws {
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", "none", "--drain-timeout", String(Self.drainTimeout),
        ])
        let ours = ["--user-data-dir=", "/crawld-chromium/\(daemon.pid)-"]
        try await withTestHTTPServer { server in
            let busy = try await daemon.connect()
            try await busy.send(["op": "crawl", "url": .string(server.url("/slow-headers?ms=60000")), "engine": "browser", "timeout_ms": 60_000])
            let rendering = try await daemon.withClient { client in
                try await pollUntil(seconds: 60) { try await inFlight(client) >= 2 && !processes(containing: ours).isEmpty }
            }
            #expect(rendering)
            let groups = processGroups(of: processes(containing: ours))
            for group in groups { killpg(group, SIGSTOP) }
            try await expectExitInTime(daemon)
            let left = processes(inGroups: groups)
            #expect(left.isEmpty, "processes of crawld \(daemon.pid)'s browsers alive after it exited: \(left)")
            for group in groups { killpg(group, SIGKILL) }
            await busy.close()
        }
    }

    /// A client that connects while SIGTERM closes the listener: NIO had accepted the connection and built its
    /// async channel, which nothing then served, and the channel's writer trapped on being dropped unfinished
    /// (swift-nio #2813). crawld died by SIGILL, after 5 s and 260 MB of backtracing, in about one SIGTERM of
    /// five sent just after a connection. Clients connect without pause here while each of eight daemons is
    /// told to stop; every one must exit 0.
    @Test func sigtermWhileClientsConnectExitsCleanly() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for _ in 0..<8 {
            let daemon = try await DaemonProcess.startForJobs(in: folder, ["--drain-timeout", String(Self.drainTimeout)])
            let port = daemon.port
            // Two loops that yield between connections, so the test's own tasks still get the cooperative threads.
            let connecting = (0..<2).map { _ in
                Task.detached {
                    var made = 0
                    while !Task.isCancelled {
                        made += (try? StalledClient(port: port)) != nil ? 1 : 0
                        await Task.yield()
                    }
                    return made
                }
            }
            #expect(try await pollUntil { try await PingProbe.answerTime(port: port) < .seconds(5) })
            daemon.signal(SIGTERM)
            let status = await daemon.waitForExit(timeout: Self.exitBound)
            var made = 0
            for task in connecting {
                task.cancel()
                made += await task.value
            }
            #expect(made > 0, "clients connected while the daemon stopped")
            #expect(!daemon.endedBySignal, "crawld died by signal \(status ?? -1) instead of draining")
            #expect(status == 0, "crawld's exit status after SIGTERM: \(String(describing: status))")
            await daemon.stop()
        }
    }

    /// Requests in flight in the daemon, this one included.
    private func inFlight(_ client: LineClient) async throws -> Int {
        Int(try await client.request(["op": "monitor.health"]).answer["in_flight"]?.intValue ?? 0)
    }

    /// SIGTERM, then the exit within `exitBound`; crawld is killed either way.
    private func expectExitInTime(_ daemon: DaemonProcess) async throws {
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: Self.exitBound)
        #expect(status != nil, "crawld still running \(Self.exitBound) after SIGTERM with --drain-timeout \(Self.drainTimeout)")
        await daemon.stop()
    }
}
