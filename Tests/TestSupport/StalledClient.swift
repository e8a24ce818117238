import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP client that sends and then does not read, with a receive buffer
/// as small as the kernel allows, so that what a server writes to it piles
/// up in the server instead of in the kernel: a hostile or stuck client.
/// `LineClient` reads everything as it arrives, so it cannot play this part.
public final class StalledClient: Sendable {
    private let descriptor: Int32

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LineClientError(message: "socket: errno \(errno)") }
        var size: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw LineClientError(message: "connect: errno \(code)")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends all of `text` (blocking).
    public func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw LineClientError(message: "send: errno \(errno)") }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// Reads from now on, until `text` has been received, the peer closes,
    /// or `timeout` passes; returns what was read.
    public func read(until text: String, timeout: Duration = .seconds(30)) -> String {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
            if String(decoding: received.suffix(text.utf8.count + count), as: UTF8.self).contains(text) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
