import Foundation
import JSON
import Testing
import TestSupport

/// The supervisor watchdog through the real binary: beats stop while the
/// request path hangs, and circus's real watchdog plugin then restarts crawld.
///
/// The hang is a real one: extract.lua's handler runs a backtracking
/// pattern match, which executes no Lua instructions (so the instruction
/// budget never ends it, however fast the machine) and stops only at the
/// call's 2 s deadline; many more crawls than Lua states are sent at once,
/// so every state is busy for many seconds: a fresh crawl would wait that
/// long too.
@Suite(.serialized) struct DaemonWatchdogTests {
    private static let spinningExtract = """
        local function spin(doc, page)
          if page.url:find("/redirect/", 1, true) then
            string.rep(" ", 300000):find("(.-)x")
          end
          return {}
        end
        return { sites = {}, default = spin }
        """

    private func scripts() -> ScriptFolder {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("extract.lua", Self.spinningExtract)
        return folder
    }

    /// Sends `count` crawls that each hold a Lua state to its deadline, without reading the answers.
    private func hang(_ daemon: Int, url: String, count: Int) async throws -> LineClient {
        let client = try await LineClient.connect(port: daemon)
        for index in 0..<count {
            try await client.send(["id": .int(Int64(index)), "op": "crawl", "url": .string(url)])
        }
        return client
    }

    @Test func systemdWatchdogBeatsStopWhileRequestsHang() async throws {
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let folder = scripts()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("notify").path
        let receiver = try UnixDatagramReceiver(path: path)
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", folder.path, "--redis", "none"],
            environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"]
        )
        defer { Task { await daemon.stop() } }
        func beats() -> Int { receiver.drain().filter { $0 == "WATCHDOG=1" }.count }
        #expect(await pollUntil(seconds: 20) { beats() >= 3 })

        // Each answer is a crawl whose script reached its 2 s deadline. From the
        // first to the 32nd, the 32 crawls still queued keep every Lua state
        // busy (a state per core), so not one beat may come in between.
        let attacker = try await hang(daemon.port, url: site.url("/redirect/0"), count: 64)
        func answer() async -> Bool {
            let answer = try? await attacker.readJSON(timeout: .seconds(60))
            #expect(answer?.objectValue?["ok"] == false)
            return answer != nil
        }
        try #require(await answer())
        let before = beats()
        for _ in 1..<32 { try #require(await answer()) }
        #expect(beats() == before, "no WATCHDOG=1 while every Lua state is held by a script running to its deadline")

        // Once the backlog has drained, beats come back.
        for _ in 32..<64 {
            if await !answer() { break }
        }
        let after = beats()
        #expect(await pollUntil(seconds: 20) { beats() > after })
        await attacker.close()
    }

    @Test func circusWatchdogRestartsAHungDaemon() async throws {
        let circusd = DaemonProcess.repositoryRoot.appendingPathComponent("Tests/.venv/bin/circusd").path
        try #require(FileManager.default.isExecutableFile(atPath: circusd), "circus is missing: run `make test-deps`")
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let folder = scripts()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.url.appendingPathComponent("crawld.log").path
        let watchdogPort = try RedisServer.freePort()
        let ini = """
            [circus]
            endpoint = tcp://127.0.0.1:\(try RedisServer.freePort())
            pubsub_endpoint = tcp://127.0.0.1:\(try RedisServer.freePort())
            check_delay = 1

            [watcher:crawld]
            cmd = \(DaemonProcess.binary.path)
            args = --config \(folder.path) --redis none --listen 127.0.0.1:0 --watchdog-udp 127.0.0.1:\(watchdogPort) --watchdog-interval 0.5
            numprocesses = 1
            graceful_timeout = 2
            copy_env = true
            stderr_stream.class = FileStream
            stderr_stream.filename = \(log)

            [plugin:watchdog]
            use = circus.plugins.watchdog.WatchDog
            loop_rate = 1
            max_count = 3
            ip = 127.0.0.1
            port = \(watchdogPort)
            watchers_graceful_timeout = 2
            """
        let configuration = directory.url.appendingPathComponent("circus.ini")
        try ini.write(to: configuration, atomically: true, encoding: .utf8)
        let circus = Process()
        circus.executableURL = URL(fileURLWithPath: circusd)
        circus.arguments = [configuration.path]
        circus.standardOutput = FileHandle.nullDevice
        circus.standardError = FileHandle.nullDevice
        try circus.run()
        defer {
            // circusd stops its watcher on SIGTERM (SIGKILL past graceful_timeout); wait, so no crawld is left behind.
            circus.terminate()
            ProcessExit.wait(for: circus, killAfter: .seconds(20))
            // What circusd did not reap (a crawld it was restarting, its plugin process): found by this test's port.
            for pid in processes(containing: ["127.0.0.1:\(watchdogPort)"]) + processes(containing: ["port:\(watchdogPort)"]) {
                kill(pid, SIGKILL)
            }
        }

        func starts() -> [Int] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "listening on ").dropFirst().compactMap { line in
                line.prefix { $0 != "\n" }.split(separator: ":").last.flatMap { Int($0) }
            }
        }
        #expect(await pollUntil(seconds: 60) { starts().count == 1 })
        let port = try #require(starts().first)
        // Healthy, it keeps beating: five seconds, past the plugin's window of
        // loop_rate × max_count (3 s), pass without a restart. A fixed span on
        // purpose: the plugin logs nothing a test could wait on (circusd does
        // not hand its --log-output to plugins), so the span is what is checked.
        try await Task.sleep(for: .seconds(5))
        #expect(starts().count == 1, "a healthy crawld must not be restarted")
        #expect(await pings(port))

        let attacker = try await hang(port, url: site.url("/redirect/0"), count: 64)
        #expect(await pollUntil(seconds: 60) { starts().count >= 2 }, "circus restarts crawld once its beats stop")
        await attacker.close()
        if starts().count >= 2, let restarted = starts().last {
            #expect(await pings(restarted))
        }
    }

    /// Whether a fresh connection to `port` gets its `ping` answered.
    private func pings(_ port: Int) async -> Bool {
        guard let client = try? await LineClient.connect(port: port) else { return false }
        let answer = try? await client.request(["op": "ping"], timeout: .seconds(5)).answer
        await client.close()
        return answer?["ok"] == true
    }
}
