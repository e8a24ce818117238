#if canImport(Glibc)
import Glibc
#endif

/// A fake NOTIFY_SOCKET: a bound unix datagram socket the test reads without blocking.
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
