import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` for tests, on a free loopback port in its own temp dir.
///
/// `--port 0` does not make Redis pick a port, so a free one is found by
/// binding a socket to port 0 and reading the port back, then Redis is
/// started on it. The append-only file is on with `fsync always`, so a
/// SIGKILL loses nothing Redis acknowledged and a restart brings it back:
/// tests can check that data survives exactly. `start()` returns once Redis
/// said READY=1 (as it does to systemd) and PING answers.
public final class RedisServer: @unchecked Sendable {
    /// Guards `process`; tests may stop a server from another task.
    private let lock = NSLock()
    private var process: Process?
    public let port: Int
    public let directory: URL

    /// `redis://127.0.0.1:port/0`, to hand to the code under test.
    public var url: String { "redis://127.0.0.1:\(port)/0" }

    public init() throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crawld-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        stop(signal: SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts redis-server and waits (up to 20 s) until it answers PING.
    public func start() throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        server.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path,
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--logfile", directory.appendingPathComponent("redis.log").path, "--daemonize", "no",
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        // Supervised by "systemd": redis-server says READY=1 on this socket once it accepts connections.
        let notifyPath = directory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        let readiness = try UnixDatagramReceiver(path: notifyPath)
        defer { try? FileManager.default.removeItem(atPath: notifyPath) }
        server.arguments! += ["--supervised", "systemd"]
        server.environment = ProcessInfo.processInfo.environment.merging(["NOTIFY_SOCKET": notifyPath]) { _, new in new }
        try server.run()
        lock.withLock { process = server }
        guard readiness.wait(for: "READY=1", timeout: .seconds(120)), (try? cli("PING")) == "PONG" else {
            throw RedisServerError(message: "redis-server on port \(port) did not become ready")
        }
    }

    /// Stops the server the way a crash would (SIGKILL) and waits for it to be gone.
    public func kill() {
        stop(signal: SIGKILL)
    }

    /// Sends `signal` to the server: SIGSTOP makes a Redis that keeps its
    /// connections and never answers on them, SIGCONT ends that.
    public func signal(_ signal: Int32) {
        guard let running = lock.withLock({ process }), running.isRunning else { return }
        Glibc.kill(running.processIdentifier, signal)
    }

    /// Stops the server cleanly (SIGTERM).
    public func stop() {
        stop(signal: SIGTERM)
    }

    /// Starts it again on the same port and directory (its append-only file reloads).
    public func restart() throws {
        stop(signal: SIGTERM)
        try start()
    }

    private func stop(signal: Int32) {
        let running = lock.withLock { () -> Process? in
            defer { process = nil }
            return process
        }
        guard let running, running.isRunning else { return }
        Glibc.kill(running.processIdentifier, signal)
        // A child can inherit a signal mask with SIGTERM blocked (see
        // JobSiteServer); one that outlives 30 s is killed, so no
        // redis-server outlives its test once this handle has let go of it.
        ProcessExit.wait(for: running)
    }

    /// Runs `redis-cli` against this server and returns its trimmed output.
    public func cli(_ arguments: String...) throws -> String {
        try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/redis-cli"), ["-h", "127.0.0.1", "-p", String(port)] + arguments)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts `redis-cli MONITOR`, which writes every command the server runs (scripts' too) to `file`.
    /// - Returns: the client; `terminate()` it when done.
    public func monitor(into file: URL) throws -> Process {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        client.arguments = ["-h", "127.0.0.1", "-p", String(port), "monitor"]
        client.standardOutput = try FileHandle(forWritingTo: file)
        client.standardError = FileHandle.nullDevice
        try client.run()
        return client
    }

    /// A loopback TCP port nobody listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisServerError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Int32 in
                guard bind(fd, sa, length) == 0 else { return -1 }
                return getsockname(fd, sa, &length)
            }
        }
        guard bound == 0 else { throw RedisServerError(message: "bind to a free port failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why a test Redis could not be started.
public struct RedisServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
