// Load generator for crawld's line protocol.
//
//   ProtocolBench ping PORT [seconds] [connections] [pipeline]
//       closed-loop pings: each connection keeps `pipeline` requests in
//       flight; prints requests/s and p50/p99 latency.
//   ProtocolBench crawl PORT seconds connections pipeline URLFILE
//       the same closed loop with `crawl` requests cycling through the URLs
//       of URLFILE (one per line); prints crawls/s and p50/p99. CRAWL_FIELDS
//       adds fields to each request (`"extract":false,"formats":[]`: no tree).
//   ProtocolBench idle PORT COUNT SECONDS
//       opens COUNT idle connections and holds them SECONDS.
//
// One thread polls every connection's blocking socket (runClosedLoop), which
// keeps the generator simple and cheap next to the server it measures.
import Foundation

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

/// One connection of the closed loop: its socket, when each of its slots
/// was sent, and the bytes read but not yet split into answer lines.
struct LoadConnection {
    let fd: Int32
    var sentAt: [UInt64]
    var pending: [UInt8] = []
    var outstanding = 0

    /// Takes the bytes of one read: records the latency of each whole answer
    /// line and, before the deadline, returns the requests that refill their
    /// slots (`request(slot)`), to be written in one go.
    mutating func receive(_ bytes: ArraySlice<UInt8>, at now: UInt64, deadline: UInt64, into latencies: inout [UInt64], request: (Int) -> [UInt8]) -> [UInt8] {
        pending += bytes
        var next: [UInt8] = []
        var lineStart = 0
        while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            // Answers start with {"id":N, so the slot is the number after the colon.
            var slot = 0
            var digit = lineStart + 6
            while pending[digit] >= 48 && pending[digit] <= 57 {
                slot = slot * 10 + Int(pending[digit] - 48)
                digit += 1
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
        return next
    }
}

/// Every connection's closed loop on one thread, as redis-benchmark runs its
/// clients: poll(2) over all sockets, and each answer read sends the slot's
/// next request until the deadline. One thread keeps the generator off the
/// cores the server measures; a thread per connection put 8 busy threads on
/// 2 cores, and the scheduler's time slices showed up as the server's tail.
/// `request(slot, n)` is the n-th request line sent, for the slot's id.
/// Returns every request's latency in nanoseconds.
func runClosedLoop(port: UInt16, connections count: Int, pipeline: Int, until deadline: UInt64, request makeRequest: (Int, Int) -> [UInt8]) -> [UInt64] {
    var connections = (0..<count).map { _ in LoadConnection(fd: connectSocket(port: port), sentAt: [UInt64](repeating: 0, count: pipeline)) }
    defer { connections.forEach { close($0.fd) } }
    var latencies: [UInt64] = []
    latencies.reserveCapacity(1 << 22)
    var sent = 0
    func request(_ slot: Int) -> [UInt8] {
        sent += 1
        return makeRequest(slot, sent)
    }
    let start = DispatchTime.now().uptimeNanoseconds
    for index in connections.indices {
        var batch: [UInt8] = []
        for slot in 0..<pipeline {
            connections[index].sentAt[slot] = start
            batch += request(slot)
        }
        connections[index].outstanding = pipeline
        writeAll(connections[index].fd, batch)
    }
    var polled = connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var open = count
    while open > 0 {
        let ready = poll(&polled, nfds_t(polled.count), 1000)
        precondition(ready >= 0 || errno == EINTR, "poll: \(errno)")
        for index in polled.indices where polled[index].fd >= 0 && polled[index].revents != 0 {
            let n = buffer.withUnsafeMutableBytes { read(polled[index].fd, $0.baseAddress, $0.count) }
            precondition(n > 0, "read: \(errno)")
            let now = DispatchTime.now().uptimeNanoseconds
            let next = connections[index].receive(buffer[0..<n], at: now, deadline: deadline, into: &latencies, request: request)
            if !next.isEmpty { writeAll(polled[index].fd, next) }
            if connections[index].outstanding == 0 {
                polled[index].fd = -1
                open -= 1
            }
        }
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
case "ping", "crawl":
    let urls = arguments[1] == "crawl" ? try! String(contentsOfFile: arguments[6], encoding: .utf8).split(separator: "\n").map(String.init) : []
    let seconds = arguments.count > 3 ? Double(arguments[3])! : 10
    let connections = arguments.count > 4 ? Int(arguments[4])! : 8
    let pipeline = arguments.count > 5 ? Int(arguments[5])! : 64
    let start = DispatchTime.now().uptimeNanoseconds
    let deadline = start + UInt64(seconds * 1e9)
    let pings = (0..<pipeline).map { Array("{\"id\":\($0),\"op\":\"ping\"}\n".utf8) }
    let fields = ProcessInfo.processInfo.environment["CRAWL_FIELDS"].map { "," + $0 } ?? ""
    let latencies = runClosedLoop(port: port, connections: connections, pipeline: pipeline, until: deadline) { slot, n in
        if urls.isEmpty { return pings[slot] }
        return Array("{\"id\":\(slot),\"op\":\"crawl\",\"url\":\"\(urls[(n &* 7919 &+ slot) % urls.count])\"\(fields)}\n".utf8)
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let all = latencies.sorted()
    print(
        String(
            format: "\(arguments[1]): %d connections x %d pipelined: %.0f requests/s, p50 %.3f ms, p99 %.3f ms (%d requests)",
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
