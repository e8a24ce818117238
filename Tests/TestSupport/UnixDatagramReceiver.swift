#if canImport(Glibc)
import Glibc
#endif

/// A fake NOTIFY_SOCKET: a bound unix datagram socket the test reads without
/// blocking (`drain`), or waits on for one message (`wait(for:timeout:)`).
///
/// Raw sockets, because systemd's senders are unnamed and NIO's datagram
/// channel wants a sender address for each message.
public final class UnixDatagramReceiver: @unchecked Sendable {
    private let descriptor: Int32
    /// Only touched by the test's task, through `drain()`.
    private var seen: [String] = []

    public init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, result == 0 else { throw LineClientError(message: "cannot bind \(path): errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// Blocks until a message with the line `line` has been received (now or
    /// before), or `timeout` passes. sd_notify's messages are lines
    /// (`STATUS=…\nREADY=1\n`).
    /// - Returns: whether it came.
    public func wait(for line: String, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !drain().contains(where: { $0.split(separator: "\n").contains(Substring(line)) }) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            _ = poll(&descriptors, 1, milliseconds)
        }
        return true
    }

    /// Every message received so far.
    public func drain() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            seen.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
        return seen
    }
}
