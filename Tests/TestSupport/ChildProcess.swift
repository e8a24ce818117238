import Foundation
import Synchronization

/// A program run to its end from a test: what it wrote and how it exited.
///
/// Why one helper: the tests that ran `crawld --check`, a bad option, the MCP
/// bridge and clients, promtool, redis-cli and `ip` each built their own
/// `Process` with pipes; each copy read its pipes one after the other (a
/// child that fills the pipe not being read then blocks for good) and, until
/// 28c56f2, waited with `Process.waitUntilExit`.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit code, or 128 + the signal that ended it (`ProcessExit.status(of:)`).
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` with `arguments` to its end.
    /// - Parameters:
    ///   - environment: changes to the test's environment; a nil value removes the variable.
    ///   - input: written to its standard input, which is then closed; without it the child reads `/dev/null`.
    ///   - killAfter: past this it is sent SIGKILL (`ProcessExit`).
    /// - Throws: when it cannot be started.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String?] = [:], input: String? = nil,
        killAfter: Duration = .seconds(30)
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // The wait, the input and the errors on threads of their own, the output here: no pipe
        // waits for another, and a child killed at `killAfter` closes them all.
        let status = Mutex<Int32>(0)
        let errors = Mutex(Data())
        let done = DispatchGroup()
        done.enter()
        Thread.detachNewThread {
            let code = ProcessExit.status(of: process, killAfter: killAfter)
            status.withLock { $0 = code }
            done.leave()
        }
        let errorHandle = stderr.fileHandleForReading
        done.enter()
        Thread.detachNewThread {
            let data = errorHandle.readDataToEndOfFile()
            errors.withLock { $0 = data }
            done.leave()
        }
        if let input {
            let inputHandle = stdin.fileHandleForWriting
            Thread.detachNewThread {
                inputHandle.write(Data(input.utf8))
                try? inputHandle.close()
            }
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        return Outcome(
            status: status.withLock { $0 }, stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errors.withLock { $0 }, as: UTF8.self)
        )
    }
}
