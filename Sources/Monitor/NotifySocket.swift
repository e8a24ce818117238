#if canImport(Glibc)
import Glibc
#endif

/// The client end of systemd's notify socket: one unix datagram socket.
///
/// Owns its file descriptor (closed in `deinit`). Sends are non-blocking
/// (`MSG_DONTWAIT`), so calling `send` on an event loop cannot stall it; a
/// message the supervisor cannot take right now is dropped, which is what
/// sd_notify's callers expect. `sendto` on one descriptor is safe from any
/// thread and nothing else is mutable, hence `Sendable`.
/// Raw sockets rather than NIO because an abstract name (`@name`) must be
/// addressed with its exact length, which `SocketAddress` does not do.
final class NotifySocket: Sendable {
    private let descriptor: Int32
    private let address: [UInt8]

    /// - Parameter path: `NOTIFY_SOCKET`: a file path, or `@name` for an abstract socket.
    init(path: String) throws(MonitorError) {
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw MonitorError(.invalidAddress, "NOTIFY_SOCKET '\(path)' is empty or too long")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw MonitorError(.invalidAddress, "cannot open a unix datagram socket (errno \(errno))") }
        descriptor = fd
        address = bytes
    }

    deinit { close(descriptor) }

    func send(_ message: String) {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: address)
        }
        // Abstract names count exactly; a path includes its terminating NUL.
        let length = socklen_t(pathOffset + address.count + (address.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT), sa, length) }
            }
        }
    }
}
