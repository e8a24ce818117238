import Foundation
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// A crawld binary started for the benchmark, and one blocking line client to it.
///
/// crawld listens on port 0; the port comes from its "listening on" log line.
/// Blocking calls on the benchmark's own thread keep the client cheap next to
/// what it measures.
final class DaemonClient {
    let process = Process()
    private let fd: Int32
    private var pending: [UInt8] = []
    private var nextID = 0

    /// - Parameters:
    ///   - binary: the crawld executable.
    ///   - scripts: the `--config` folder.
    init(binary: String, scripts: String) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", scripts, "--redis", "none", "--listen", "127.0.0.1:0", "--log-level", "notice"]
        let log = Pipe()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        var port: UInt16?
        while port == nil, let chunk = try log.fileHandleForReading.read(upToCount: 1), let byte = chunk.first {
            text.append(Character(UnicodeScalar(byte)))
            if byte == UInt8(ascii: "\n"), let range = text.range(of: "listening on 127.0.0.1:") {
                port = UInt16(text[range.upperBound...].prefix(while: \.isNumber))
            }
        }
        guard let port else { throw BrowserBenchError("crawld did not start: \(text)") }
        // Drain the rest of the log so that crawld never blocks writing it.
        Thread.detachNewThread { while (try? log.fileHandleForReading.read(upToCount: 65_536))??.isEmpty == false {} }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BrowserBenchError("cannot connect to crawld on port \(port): errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(fd)
        process.terminate()
        process.waitUntilExit()
    }

    /// Sends `requests` at once (pipelined; crawld runs them concurrently)
    /// and returns their answers in the order sent.
    /// - Throws: when an answer is not `ok`.
    func call(_ requests: [JSONObject]) throws -> [JSONObject] {
        var bytes: [UInt8] = []
        var ids: [Int64] = []
        for var request in requests {
            nextID += 1
            ids.append(Int64(nextID))
            request["id"] = .int(Int64(nextID))
            bytes += JSONValue.object(request).encoded() + [UInt8(ascii: "\n")]
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BrowserBenchError("write to crawld failed: errno \(errno)") }
            offset += n
        }
        var answers: [Int64: JSONObject] = [:]
        while answers.count < ids.count {
            let answer = try readLine()
            guard answer["ok"] == true else { throw BrowserBenchError("crawld answered \(JSONValue.object(answer).encodedString())") }
            if let id = answer["id"]?.intValue { answers[id] = answer }
        }
        return ids.map { answers[$0]! }
    }

    func call(_ request: JSONObject) throws -> JSONObject { try call([request])[0] }

    private func readLine() throws -> JSONObject {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                guard let object = try JSONValue.parse(line).objectValue else {
                    throw BrowserBenchError("crawld sent a line that is not an object")
                }
                return object
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BrowserBenchError("crawld closed the connection") }
            pending += chunk[0..<n]
        }
    }
}

struct BrowserBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
