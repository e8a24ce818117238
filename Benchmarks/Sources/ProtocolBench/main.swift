// Load generator for crawld's line protocol.
//
//   ProtocolBench ping PORT [seconds] [connections] [pipeline]
//       closed-loop pings: each connection keeps `pipeline` requests in
//       flight; prints requests/s and p50/p99 latency.
//   ProtocolBench idle PORT COUNT SECONDS
//       opens COUNT idle connections and holds them SECONDS.
//
// Blocking sockets on one thread per connection keep the generator simple
// and cheap next to the server it measures.
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

func connectSocket(port: UInt16) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket: \(errno)")
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    precondition(result == 0, "connect: \(errno)")
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return fd
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        precondition(n > 0, "write: \(errno)")
        offset += n
    }
}

/// One connection's closed loop; returns latencies in nanoseconds.
func runConnection(port: UInt16, pipeline: Int, until deadline: UInt64) -> [UInt64] {
    let fd = connectSocket(port: port)
    defer { close(fd) }
    var sentAt = [UInt64](repeating: 0, count: pipeline)
    var latencies: [UInt64] = []
    latencies.reserveCapacity(1 << 20)
    func request(_ slot: Int) -> [UInt8] { Array("{\"id\":\(slot),\"op\":\"ping\"}\n".utf8) }
    var batch: [UInt8] = []
    let start = DispatchTime.now().uptimeNanoseconds
    for slot in 0..<pipeline {
        sentAt[slot] = start
        batch += request(slot)
    }
    writeAll(fd, batch)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var pending: [UInt8] = []
    var outstanding = pipeline
    while outstanding > 0 {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        precondition(n > 0, "read: \(errno)")
        pending += buffer[0..<n]
        let now = DispatchTime.now().uptimeNanoseconds
        var next: [UInt8] = []
        var lineStart = 0
        while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            // Answers start with {"id":N, so the slot is the number after the colon.
            var slot = 0
            var index = lineStart + 6
            while pending[index] >= 48 && pending[index] <= 57 {
                slot = slot * 10 + Int(pending[index] - 48)
                index += 1
            }
            latencies.append(now - sentAt[slot])
            outstanding -= 1
            if now < deadline {
                sentAt[slot] = now
                next += request(slot)
                outstanding += 1
            }
            lineStart = newline + 1
        }
        pending.removeFirst(lineStart)
        if !next.isEmpty { writeAll(fd, next) }
    }
    return latencies
}

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let port = UInt16(arguments[2]) else {
    print("usage: ProtocolBench ping PORT [seconds] [connections] [pipeline] | idle PORT COUNT SECONDS")
    exit(2)
}
switch arguments[1] {
case "ping":
    let seconds = arguments.count > 3 ? Double(arguments[3])! : 10
    let connections = arguments.count > 4 ? Int(arguments[4])! : 8
    let pipeline = arguments.count > 5 ? Int(arguments[5])! : 64
    let start = DispatchTime.now().uptimeNanoseconds
    let deadline = start + UInt64(seconds * 1e9)
    let results = Mutex<[[UInt64]]>([])
    // One thread per connection (concurrentPerform would run only as many
    // as there are cores, one after the other).
    let threads = (0..<connections).map { _ in
        Thread {
            let latencies = runConnection(port: port, pipeline: pipeline, until: deadline)
            results.withLock { $0.append(latencies) }
        }
    }
    threads.forEach { $0.start() }
    while results.withLock({ $0.count }) < connections { usleep(10_000) }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let all = results.withLock { $0.flatMap { $0 } }.sorted()
    print(String(format: "ping: %d connections x %d pipelined: %.0f requests/s, p50 %.3f ms, p99 %.3f ms (%d requests)",
                 connections, pipeline, Double(all.count) / elapsed, percentile(all, 0.5), percentile(all, 0.99), all.count))
case "idle":
    let count = Int(arguments[3])!
    let seconds = Double(arguments[4])!
    let sockets = (0..<count).map { _ in connectSocket(port: port) }
    print("idle: \(sockets.count) connections open")
    FileHandle.standardOutput.synchronizeFile()
    Thread.sleep(forTimeInterval: seconds)
    sockets.forEach { close($0) }
default:
    print("unknown mode \(arguments[1])")
    exit(2)
}
