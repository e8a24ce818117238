import Foundation
import Synchronization

/// The real `crawld` binary run as a child process, for end-to-end tests of
/// what an operator does: start it, talk to it, send it signals.
///
/// It listens on port 0; the port is read from its "listening on" log line.
public final class DaemonProcess: Sendable {
    public let port: Int
    private let process: Process
    private let log: LogBuffer

    /// The binary built next to the test bundle (`swift test` builds both),
    /// or `$CRAWLD_BINARY`.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CRAWLD_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("crawld")
    }

    /// The repository's root, for shipped files such as scripts/.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A daemon on the shipped scripts (or those at `config`) without Redis, its
    /// job outputs and checkpoints in `folder` (`output/`, `state/`): what job tests start.
    public static func startForJobs(in folder: TemporaryDirectory, config: String = ScriptFolder.shipped, _ extra: [String] = []) async throws -> DaemonProcess {
        try await start(
            arguments: [
                "--config", config, "--redis", "none",
                "--output-dir", folder.url.appendingPathComponent("output").path,
                "--state-dir", folder.url.appendingPathComponent("state").path,
            ] + extra)
    }

    /// Starts crawld with `arguments` (add `--config`, `--redis` as needed;
    /// `--listen 127.0.0.1:0` is added unless given) and waits until it listens.
    /// - Parameter openFileLimit: when set, crawld runs with this soft and
    ///   hard `RLIMIT_NOFILE` (through util-linux's `prlimit`, which execs it:
    ///   `pid` stays crawld's).
    /// - Parameter executable: what to run instead of the binary (a shell that execs it, say).
    public static func start(
        executable: URL? = nil,
        arguments: [String],
        environment: [String: String] = [:],
        openFileLimit: Int? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> DaemonProcess {
        let process = Process()
        var arguments = arguments
        if executable == nil, !arguments.contains(where: { $0.hasPrefix("--listen") }) { arguments += ["--listen", "127.0.0.1:0"] }
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            arguments = ["--nofile=\(openFileLimit):\(openFileLimit)", binary.path] + arguments
        } else {
            process.executableURL = executable ?? binary
        }
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        let log = LogBuffer()
        try process.run()
        try PipeDrain.start(stderr.fileHandleForReading) { log.append(String(decoding: $0, as: UTF8.self)) }
        _ = await pollUntil(seconds: Double(timeout.components.seconds)) { Self.listeningPort(in: log.text) != nil || !process.isRunning }
        if let port = Self.listeningPort(in: log.text) {
            return DaemonProcess(port: port, process: process, log: log)
        }
        if process.isRunning { process.terminate() }
        throw LineClientError(message: "crawld did not start listening; its log:\n" + log.text)
    }

    private init(port: Int, process: Process, log: LogBuffer) {
        self.port = port
        self.process = process
        self.log = log
    }

    deinit {
        // A test that failed before `stop()` must not leave a daemon behind.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private static func listeningPort(in log: String) -> Int? {
        guard let range = log.range(of: "listening on ") else { return nil }
        let rest = log[range.upperBound...].prefix { $0 != "\n" }
        guard let colon = rest.lastIndex(of: ":") else { return nil }
        return Int(rest[rest.index(after: colon)...])
    }

    public var pid: Int32 { process.processIdentifier }

    /// crawld's resident memory now and its peak since it started (`VmRSS`
    /// and `VmHWM` of /proc/PID/status), in bytes; nil once it has exited.
    public var residentMemory: (now: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ field: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let now = kilobytes("VmRSS"), let peak = kilobytes("VmHWM") else { return nil }
        return (now * 1024, peak * 1024)
    }

    /// The daemon's resident memory now, in bytes (0 once it has exited).
    public var residentBytes: Int {
        residentMemory?.now ?? 0
    }

    /// Everything crawld wrote to stderr so far.
    public var logText: String { log.text }

    /// How much the daemon's resident memory grew at most while `body` ran
    /// and for `settle` after it (sampled every 50 ms), in bytes.
    ///
    /// `settle` is part of the measurement, not a wait for an event: memory
    /// taken by what `body` started (buffers of unread sockets) may peak after it returned.
    public func peakResidentGrowth<T: Sendable>(settle: Duration = .seconds(1), during body: () async throws -> T) async throws -> (result: T, growth: Int) {
        let before = residentBytes
        let stopAt = Mutex<ContinuousClock.Instant?>(nil)
        let sampler = Task {
            var peak = before
            _ = await pollUntil(seconds: 86_400, every: .milliseconds(50)) {
                peak = max(peak, residentBytes)
                return stopAt.withLock { $0.map { ContinuousClock.now >= $0 } ?? false } || Task.isCancelled
            }
            return peak
        }
        let result: T
        do {
            result = try await body()
        } catch {
            sampler.cancel()
            throw error
        }
        stopAt.withLock { $0 = .now + settle }
        return (result, await sampler.value - before)
    }

    /// Sends a signal (SIGHUP, SIGTERM, SIGKILL…).
    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; returns its exit status, or nil on timeout.
    public func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        _ = await pollUntil(seconds: Double(timeout.components.seconds)) { !process.isRunning }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Whether the process ended by a signal it did not handle (a crash's SIGILL, SIGSEGV, SIGABRT) or SIGKILL.
    public var endedBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Runs `check` the moment the process exits: as soon as the kernel reports the exit
    /// (`waitid` with `WNOWAIT`, which leaves reaping to Foundation), not at the next poll of
    /// `waitForExit`, so that it sees the machine exactly as crawld left it. Past `timeout`
    /// the process is killed and `check` runs then. Returns `check`'s result.
    public func atExit<T: Sendable>(timeout: Duration = .seconds(60), _ check: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [process] in
                ProcessExit.wait(for: process, killAfter: timeout)
                continuation.resume(returning: check())
            }
        }
    }

    /// Kills the process if it is still running (for test clean-up).
    public func stop() async {
        if process.isRunning {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(10))
        }
    }

    /// `http://HOST:PORT` of the `--http` listener, read from its
    /// "http dashboard at" log line, which follows the line listener's.
    public func httpBase(timeout: Duration = .seconds(30)) async throws -> String {
        let logged = await pollUntil(seconds: Double(timeout.components.seconds)) { log.text.contains("http dashboard at ") }
        guard logged, let range = log.text.range(of: "http dashboard at ") else {
            throw LineClientError(message: "crawld logged no http listener; its log:\n" + log.text)
        }
        let url = log.text[range.upperBound...].prefix { $0 != "\n" }
        return String(url.dropLast("/dashboard".count))
    }

    /// A client connected to this daemon.
    public func connect() async throws -> LineClient {
        try await LineClient.connect(port: port)
    }

    /// Runs `body` with a client connected to this daemon, and closes the
    /// client however `body` ends: a client dropped unclosed aborts the test
    /// process (NIO's writer traps), which hides the failure that threw.
    public func withClient<T>(_ body: (LineClient) async throws -> T) async throws -> T {
        let client = try await connect()
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}

/// A temporary directory removed when the value is dropped by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(prefix: String = "crawld-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to the file `name` in this directory (a `--token-file`, say).
    /// - Returns: the file's path.
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// Text appended from the pipe's reader thread and read by the test.
final class LogBuffer: Sendable {
    private let storage = Mutex("")

    func append(_ text: String) {
        storage.withLock { $0 += text }
    }

    var text: String { storage.withLock { $0 } }
}
