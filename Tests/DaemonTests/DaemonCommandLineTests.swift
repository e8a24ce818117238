import Foundation
import Testing
import TestSupport

/// The `crawld` binary's start-up contract: bad options and unreadable config
/// folders exit 2 with one line before anything listens; options also come
/// from `CRAWLD_*` variables.
@Suite struct DaemonCommandLineTests {
    private func runToExit(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let outcome = try ChildProcess.run(DaemonProcess.binary, arguments, environment: environment)
        return (outcome.status, outcome.stderr)
    }

    @Test func unknownOptionExitsTwoWithOneLine() throws {
        let (status, stderr) = try runToExit(["--no-such-option"])
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1)
        #expect(stderr.contains("--no-such-option"))
    }

    @Test func unreadableConfigFolderExitsTwo() throws {
        let (status, stderr) = try runToExit(["--config", "/nonexistent/crawld-scripts"])
        #expect(status == 2)
        #expect(stderr.contains("config directory '/nonexistent/crawld-scripts'"))
    }

    @Test func unreadableTLSFilesExitTwoBeforeListening() throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let (status, stderr) = try runToExit([
            "--config", scripts, "--redis", "none", "--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem",
        ])
        #expect(status == 2)
        #expect(stderr.contains("--tls-cert '/nonexistent/cert.pem'"))
        #expect(!stderr.contains("listening on"))
        let pem = DaemonProcess.repositoryRoot.appendingPathComponent("Tests/Servers/selfsigned.pem").path
        let (alone, message) = try runToExit(["--config", scripts, "--tls-cert", pem])
        #expect(alone == 2)
        #expect(message.contains("--tls-cert and --tls-key go together"))
    }

    @Test func badValueFromTheEnvironmentExitsTwo() throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let (status, stderr) = try runToExit(["--config", scripts], environment: ["CRAWLD_LISTEN": "no-port-here"])
        #expect(status == 2)
        #expect(stderr.contains("--listen must be HOST:PORT"))
    }

    @Test(arguments: [
        (["--max-running-jobs", "0"], [:], "--max-running-jobs must be at least 1"),
        ([], ["CRAWLD_JOBS_KEEP": "-1"], "--jobs-keep must be 0 or more"),
        (["--jobs-keep-age=-5"], [:], "--jobs-keep-age must be"),
    ])
    func jobLimitsAreChecked(arguments: [String], environment: [String: String], message: String) throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let (status, stderr) = try runToExit(["--config", scripts] + arguments, environment: environment)
        #expect(status == 2)
        #expect(stderr.contains(message), "\(stderr)")
    }

    @Test func optionsComeFromTheEnvironment() async throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", scripts, "--redis", "none"],
            environment: ["CRAWLD_MAX_LINE_BYTES": "100"]
        )
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        try await client.send(#"{"id":1,"op":"ping","padding":"\#(String(repeating: "p", count: 120))"}"#)
        let answer = try #require(try await client.readJSON()?.objectValue)
        #expect(answer["error"]?.objectValue?["code"] == "line_too_long")
        await client.close()
    }

    /// Seconds become Int64 milliseconds: `--drain-timeout 1e300` once passed validation and trapped (SIGILL).
    @Test(arguments: ["--drain-timeout", "--heartbeat-interval", "--watchdog-interval", "--max-crawl-delay"])
    func hugeOrNonNumericSecondsExitTwo(option: String) throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        for value in ["1e300", "nan", "-1"] {
            let (status, stderr) = try runToExit(["--config", scripts, "--redis", "none", option, value])
            #expect(status == 2, "\(option) \(value)")
            #expect(stderr.contains(option), "\(stderr)")
        }
    }

    @Test func eventLoopsOutsideItsRangeExitsTwo() throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let (status, stderr) = try runToExit(["--config", scripts, "--event-loops", "0"])
        #expect(status == 2)
        #expect(stderr.contains("--event-loops must be between 1 and 256, got 0"))
    }

    /// NIO names its event loop threads `NIO-ELT-<group>-#<n>`; the daemon runs exactly as many as asked.
    @Test func eventLoopsSetsTheNumberOfLoopThreads() async throws {
        let scripts = DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path
        let daemon = try await DaemonProcess.start(arguments: ["--config", scripts, "--redis", "none", "--event-loops", "3"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        try await client.send(#"{"id":1,"op":"ping"}"#)
        #expect(try await client.readJSON()?.objectValue?["ok"] == true)
        await client.close()
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.pid)/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/\(daemon.pid)/task/\($0)/comm", encoding: .utf8) }
        #expect(names.filter { $0.hasPrefix("NIO-ELT-") }.count == 3)
    }
}
