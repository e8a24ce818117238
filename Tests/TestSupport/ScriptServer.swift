import Foundation

/// A python3 script of Tests/Servers/ as a subprocess that prints
/// "PORT <n>" once it listens on loopback, and exits when its stdin closes.
public final class ScriptServer: @unchecked Sendable {
    private let process = Process()
    /// The server's stdin: it exits when this closes, even if the test process is killed.
    private let input = Pipe()
    public let port: Int

    /// Starts `Tests/Servers/<script>` with `arguments` and reads the port it printed.
    public init(_ script: String, _ arguments: [String]) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Servers/\(script)").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix(while: { $0.isNumber })) else {
            kill(process.processIdentifier, SIGKILL)
            throw LineClientError(message: "\(script) did not start: \(text)")
        }
        self.port = port
    }

    /// SIGKILL, because the child inherits a signal mask in which SIGTERM may be blocked.
    deinit {
        try? input.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGKILL)
        ProcessExit.wait(for: process)
    }
}
