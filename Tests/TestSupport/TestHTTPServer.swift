import Foundation
import Synchronization

/// A real HTTP server on loopback for tests: `Tests/Servers/testserver.py`
/// run with python3, on a free port it reports back.
///
/// The routes (redirect chains and loops, slow or stalling responses, gzip,
/// large bodies, cookies, a connection and tunnel counter, flaky answers for
/// retries, static files and robots.txt from a directory) are listed at the
/// top of the script. Every server is also an HTTP proxy (CONNECT), and with
/// `tls` it serves https with a self-signed certificate for 127.0.0.1. Start one per test (`withTestHTTPServer`) so that counters
/// such as `/connections` belong to that test alone.
///
/// The server also exits by itself when the test process dies, because it
/// watches its stdin, which only this object holds open.
public final class TestHTTPServer: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The port the server listens on.
    public let port: Int
    /// The IPv4 address URLs name: 127.0.0.1 unless `start` was told another.
    public let host: String
    /// Whether it speaks https (with a certificate no client trusts).
    public let tls: Bool
    private let process: ProcessBox

    /// `http://HOST:PORT` (or `https://`), without a trailing slash.
    public var baseURL: String { "\(tls ? "https" : "http")://\(host):\(port)" }

    /// The absolute URL of `path` (which starts with `/`) on this server.
    public func url(_ path: String) -> String { baseURL + path }

    /// Starts a server.
    /// - Parameters:
    ///   - root: a directory whose files the server serves (and its `robots.txt`); nil serves no files.
    ///   - tls: serve https with `Tests/Servers/selfsigned.pem`.
    ///   - bind: the IPv4 address to listen on (`0.0.0.0` for every interface).
    ///   - host: the address URLs name; `bind` unless it is 0.0.0.0, then 127.0.0.1.
    ///   - namespace: a network namespace to run the server in (`NetworkNamespace`).
    /// - Throws: `StartError` when python3 is missing or the server does not report a port.
    public static func start(
        root: String? = nil, tls: Bool = false, bind: String = "127.0.0.1", host: String? = nil, namespace: String? = nil
    ) async throws -> TestHTTPServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let server = ["python3", scriptPath, "--bind", bind] + (root.map { ["--root", $0] } ?? []) + (tls ? ["--tls"] : [])
        process.arguments = (namespace.map { ["ip", "netns", "exec", $0] } ?? []) + server
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        do {
            try process.run()
        } catch {
            throw StartError(description: "cannot run python3 \(scriptPath): \(error)")
        }
        let box = ProcessBox(process: process, stdin: stdin)
        let line = await readFirstLine(stdout.fileHandleForReading)
        guard let port = line.flatMap({ Int($0) }) else {
            box.stop()
            throw StartError(description: "testserver.py reported no port (first line: \(line ?? "none"))")
        }
        return TestHTTPServer(port: port, host: host ?? (bind == "0.0.0.0" ? "127.0.0.1" : bind), tls: tls, process: box)
    }

    private init(port: Int, host: String, tls: Bool, process: ProcessBox) {
        self.port = port
        self.host = host
        self.tls = tls
        self.process = process
    }

    /// Stops the server and waits for it to exit. Safe to call more than once.
    public func stop() { process.stop() }

    deinit { process.stop() }

    /// The script beside this file's folder: `Tests/Servers/testserver.py`.
    public static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Servers/testserver.py").path
    }

    /// Reads up to the first newline on a plain thread (a blocking read must not
    /// hold a Swift concurrency thread); nil at EOF before a newline.
    private static func readFirstLine(_ handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") {
                    bytes.append(byte)
                }
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

/// Runs `body` with a fresh server and stops it afterwards, even when `body` throws.
public func withTestHTTPServer<T>(
    root: String? = nil, tls: Bool = false, _ body: (TestHTTPServer) async throws -> T
) async throws -> T {
    let server = try await TestHTTPServer.start(root: root, tls: tls)
    defer { server.stop() }
    return try await body(server)
}

/// Owns the python process. `Process` is not `Sendable`; every use of it
/// after launch goes through the mutex, so one thread at a time touches it.
private final class ProcessBox: @unchecked Sendable {
    private let state: Mutex<(process: Process, stdin: Pipe)?>

    init(process: Process, stdin: Pipe) {
        state = Mutex((process, stdin))
    }

    func stop() {
        guard
            let running = state.withLock({ state in
                defer { state = nil }; return state
            })
        else { return }
        try? running.stdin.fileHandleForWriting.close()
        if running.process.isRunning { running.process.terminate() }
        ProcessExit.wait(for: running.process)
    }
}
