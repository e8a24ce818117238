#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ChromiumProcess {
    /// Flags that leave a guarded browser (`--deny-private`) no way onto the
    /// network but crawld's `BrowserProxy` on `proxyPort`.
    ///
    /// - `--proxy-server`: http and https go to the proxy over SOCKS5, which
    ///   hands it the host name unresolved, so the address the proxy checked is
    ///   the one connected to. WebSockets go to the `socks=` entry (Chromium
    ///   prefers it for them, as RFC 6455 advises): a loopback port crawld holds
    ///   bound and never listens on, so every WebSocket is refused. The DevTools
    ///   Fetch domain never holds a WebSocket handshake for a decision, and
    ///   refusing them all needs no name-based guess.
    /// - `--proxy-bypass-list=<-loopback>`: loopback hosts go through the
    ///   proxy too (Chromium would otherwise connect to them directly).
    /// - `--host-resolver-rules`: every name Chromium would resolve itself is
    ///   not found, so nothing connects by an answer crawld did not check; the
    ///   proxy's own address is exempt.
    /// - `--force-webrtc-ip-handling-policy=disable_non_proxied_udp`: WebRTC
    ///   sends no UDP (STUN, TURN over UDP, connectivity checks to any
    ///   candidate a page adds) and only uses TCP through the proxy.
    ///
    /// With these, preconnects, prefetches and WebTransport reach the network
    /// through the proxy or not at all (BrowserSideChannelTests).
    /// - Throws: `BrowserError.launchFailed` when the refusing port cannot be
    ///   bound: the browser must not start with WebSockets open.
    static func isolationFlags(proxyPort: Int) throws -> [String] {
        guard let refusing = refusingPort else {
            throw BrowserError(.launchFailed, "cannot bind a loopback port to refuse WebSockets under --deny-private")
        }
        let proxy = "socks5://127.0.0.1:\(proxyPort)"
        return [
            "--proxy-server=http=\(proxy);https=\(proxy);socks=socks5://127.0.0.1:\(refusing)",
            "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
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
