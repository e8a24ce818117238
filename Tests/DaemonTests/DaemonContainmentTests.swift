import Foundation
import JSON
import Testing
import TestSupport

/// Whatever one request's script does, its call ends at the deadline and a
/// `ping` on another connection keeps answering, with the attack running on
/// every Lua state (one per core) at once.
@Suite struct DaemonContainmentTests {
    /// extract.lua's `default` runs a backtracking pattern over 150 KB: O(n^2),
    /// minutes of matching inside one C call that no instruction hook sees.
    /// Only for the test server's pages, so that the set passes validation.
    static let attack = """
        local subject = "a" .. (" "):rep(150 * 1024) .. "a"
        return {
          sites = {},
          default = function(doc, page)
            if not page.url:find("127.0.0.1", 1, true) then return {} end
            return { found = subject:find("(.-)x") }
          end,
        }
        """

    /// The daemon's Lua deadline (`LuaLimits` default).
    static let deadline = Duration.seconds(2)

    /// How far past the deadline an answer may come: the fetch, the parse and a loaded machine's
    /// scheduling (3 s was once passed by 0.8 s with two cores busy beside the suite), and still
    /// well short of either attack's own length (the XPath's 13 s or more on an idle machine).
    static let slack = Duration.seconds(6)

    @Test func aBacktrackingPatternOnEveryStateEndsInScriptTimeoutWhilePingAnswers() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("extract.lua", Self.attack)
        let daemon = try await DaemonProcess.start(arguments: ["--config", folder.path, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            let states = max(2, ProcessInfo.processInfo.activeProcessorCount)
            async let attacks = Self.crawl(daemon, url: server.url("/status/200"), times: states)
            let pings = try await Self.ping(daemon, for: Self.deadline)
            #expect(pings.hasPrefix("pings "), "\(pings)")
            for (answer, elapsed) in try await attacks {
                #expect(answer["error"]?.objectValue?["code"] == "script_timeout", "\(answer)")
                // The deadline plus the fetch, the parse and the scheduling of this process
                // on a machine other work keeps busy: LuaBridge's tests hold the call itself
                // to the deadline + 100 ms; here the point is an answer, not a hang (the
                // attack alone runs for minutes).
                #expect(elapsed < Self.deadline + Self.slack, "\(elapsed)")
            }
        }
    }

    /// extract.lua's `default` asks for an XPath whose node-set merges libxml2's operation
    /// limit does not count: one C call of many seconds on the flat 3 MB page below.
    static let xpathAttack = """
        return {
          sites = {},
          default = function(doc, page)
            if not page.url:find("127.0.0.1", 1, true) then return {} end
            return { found = doc:xpath("count(//div//span)") }
          end,
        }
        """

    @Test func aQuadraticXPathOnEveryStateEndsInScriptTimeoutWhilePingAnswers() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("extract.lua", Self.xpathAttack)
        let site = try TemporaryDirectory()
        defer { site.remove() }
        // 3 MB: quadratic, so well past the 2 s deadline even on an idle machine (1 MB took
        // about 1.5 s on one, 10 s on a loaded one).
        try String(repeating: "<div><span>x</span></div>", count: 120_000)
            .write(to: site.url.appendingPathComponent("flat.html"), atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(arguments: ["--config", folder.path, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer(root: site.path) { server in
            let states = max(2, ProcessInfo.processInfo.activeProcessorCount)
            async let attacks = Self.crawl(daemon, url: server.url("/flat.html"), times: states)
            let pings = try await Self.ping(daemon, for: Self.deadline + .seconds(1))
            #expect(pings.hasPrefix("pings "), "\(pings)")
            for (answer, elapsed) in try await attacks {
                #expect(answer["error"]?.objectValue?["code"] == "script_timeout", "\(answer)")
                #expect(elapsed < Self.deadline + Self.slack, "\(elapsed)")
            }
        }
    }

    /// Runs Tests/Servers/pinger.py against the daemon for `duration` (a
    /// process of its own: other tests keep this process's threads busy) and
    /// returns its report, `pings N p50_ms W p99_ms X max_ms Y` when every ping was
    /// answered within a second.
    private static func ping(_ daemon: DaemonProcess, for duration: Duration) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: TestHTTPServer.scriptPath).deletingLastPathComponent().appendingPathComponent("pinger.py").path
        process.arguments = ["python3", script, "\(daemon.port)", "\(Double(duration.components.seconds))"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        _ = await ProcessExit.exit(of: process, killAfter: duration + .seconds(60))
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return report.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Crawls `url` `times` times at once, one connection each: the answers
    /// and how long each took.
    private static func crawl(_ daemon: DaemonProcess, url: String, times: Int) async throws -> [(JSONObject, Duration)] {
        try await withThrowingTaskGroup(of: (JSONObject, Duration).self) { group in
            for i in 0..<times {
                group.addTask {
                    let client = try await daemon.connect()
                    let clock = ContinuousClock()
                    let start = clock.now
                    let request: JSONValue = ["id": .string("attack-\(i)"), "op": "crawl", "url": .string(url)]
                    do {
                        let answer = try await client.request(request, timeout: .seconds(30)).answer
                        let elapsed = clock.now - start
                        await client.close()
                        return (answer, elapsed)
                    } catch {
                        await client.close()
                        throw error
                    }
                }
            }
            var results: [(JSONObject, Duration)] = []
            for try await result in group { results.append(result) }
            return results
        }
    }
}
