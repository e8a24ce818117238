import Foundation
import Synchronization

/// `Tests/Servers/browserpages.py` on a free port of a loopback address (or
/// of a `NetworkNamespace`'s address, run inside it), for one test.
///
/// The server exits when its stdin closes, so it goes away with the test
/// process even when a test crashes. Every line it prints after the port
/// (`GET /path`) is kept, so a test can wait until the browser reached a page.
public final class PageServer: Sendable {
    /// The address it binds: 127.0.0.1 unless a test needs a second site.
    public let host: String
    public let port: Int
    private let process: Process
    private let stdin: Pipe
    private let lines: LineLog

    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port to bind; 0 (the default) takes a free one. Two
    ///     servers on one port of two loopback addresses stand for one name
    ///     answering two addresses.
    ///   - namespace: the network namespace to run in (`NetworkNamespace.name`), whose address `host` is.
    public init(host: String = "127.0.0.1", port requested: Int = 0, namespace: String? = nil) async throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Servers/browserpages.py")
        let process = Process()
        let python = ["python3", "-u", script.path, host, String(requested)]
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = (namespace.map { ["ip", "netns", "exec", $0] } ?? []) + python
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()

        let lines = LineLog()
        let buffer = Mutex(Data())
        try PipeDrain.start(stdout.fileHandleForReading) { chunk in
            let complete: [String] = buffer.withLock { data in
                data.append(chunk)
                var found: [String] = []
                while let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
                    found.append(String(decoding: data[data.startIndex..<newline], as: UTF8.self))
                    data.removeSubrange(data.startIndex...newline)
                }
                return found
            }
            lines.append(complete)
        }
        self.host = host
        self.process = process
        self.stdin = stdin
        self.lines = lines
        var port: Int?
        _ = await pollUntil {
            port = lines.first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) }
            return port != nil
        }
        guard let port else {
            process.terminate()
            throw TestFailure("browserpages.py did not print its port")
        }
        self.port = port
    }

    deinit { stop() }

    /// `http://<host>:<port><path>`.
    public func url(_ path: String) -> String { "http://\(host):\(port)\(path)" }

    /// Waits until the server has logged `GET <path>`.
    public func waitForRequest(_ path: String) async throws {
        guard await pollUntil(seconds: 60, { received(path) }) else { throw TestFailure("no request for \(path) reached the server") }
    }

    /// Whether the server has logged `GET <path>` so far.
    public func received(_ path: String) -> Bool {
        lines.first(where: { $0 == "GET \(path)" }) != nil
    }

    /// Whether any request at all reached the server.
    public var receivedAny: Bool { lines.first(where: { $0.hasPrefix("GET ") }) != nil }

    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        ProcessExit.wait(for: process)
    }
}

/// A failure of the test set-up itself, with a message.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The lines a server printed, shared between its reader callback and the test.
final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ new: [String]) { lines.withLock { $0.append(contentsOf: new) } }

    func first(where predicate: (String) -> Bool) -> String? { lines.withLock { $0.first(where: predicate) } }
}
