#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ChromiumProcess {
    /// Flags that make every WebSocket of the browser fail, for `--deny-private`.
    ///
    /// The DevTools Fetch domain holds HTTP requests for a decision but never
    /// a WebSocket handshake, and `Network.setBlockedURLs` does not stop one
    /// either. Chromium sends WebSockets to the SOCKS proxy when one is set
    /// (RFC 6455's advice), while `http=direct://;https=direct://` keeps every
    /// other request direct (and so under the Fetch check). The proxy named
    /// is a loopback port crawld holds bound and never listens on, so the
    /// connection is refused whatever the WebSocket's host; `<-loopback>`
    /// removes Chromium's implicit bypass for loopback hosts.
    ///
    /// Refusing them all, rather than checking each host, is the one
    /// decision that needs no name-based guess: a page's WebSocket to any
    /// host fails under `--deny-private`.
    /// - Throws: `BrowserError.launchFailed` when no such port can be bound:
    ///   the browser must not start with WebSockets open.
    static func webSocketRefusalFlags() throws -> [String] {
        guard let port = refusingPort else {
            throw BrowserError(.launchFailed, "cannot bind a loopback port to refuse WebSockets under --deny-private")
        }
        return [
            "--proxy-server=http=direct://;https=direct://;socks=socks5://127.0.0.1:\(port)",
            "--proxy-bypass-list=<-loopback>",
        ]
    }

    /// A TCP port on 127.0.0.1 bound for the life of crawld and never
    /// listened on: every connection to it is refused, and no other process
    /// can take it. Nil when the socket cannot be made.
    private static let refusingPort: Int? = {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                Glibc.bind(fd, raw, length) == 0 && Glibc.getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            return nil
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }()
}
