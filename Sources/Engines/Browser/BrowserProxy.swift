import Logging
import NIOCore
import NIOPosix
import NIOSOCKS

/// The one way a guarded browser reaches the network: a SOCKS5 proxy on a
/// loopback port of its own, which connects each tunnel to an address its
/// `PinnedHosts` checked, or refuses it.
///
/// Why a proxy: Chromium resolves names itself, so checking a host and then
/// letting Chromium connect would connect wherever a second DNS answer says.
/// Chromium's SOCKS5 client sends the host name to the proxy instead of
/// resolving it (`BrowserEngine.isolationFlags(proxyPort:)` routes http and
/// https here and leaves Chromium no name to resolve), so the proxy resolves,
/// checks and connects in one place, and TCP that the DevTools Fetch domain
/// never shows (preconnects, WebRTC over TCP, WebTransport's fallback) passes
/// the same rule. SOCKS, not an HTTP proxy: every connection is a plain
/// tunnel, so there is no HTTP to parse or forward and TLS stays end to end.
///
/// Who may use it: anyone on this host who finds the port, since Chromium's
/// SOCKS5 client has no credentials. That is harmless by construction: the
/// proxy connects only to addresses the rule allows (never loopback, private
/// or this host's own), which any local process can reach without it.
///
/// Lifecycle: one per browser, started before Chromium and closed with the
/// engine; tunnels of a killed browser close as its sockets do.
final class BrowserProxy: Sendable {
    private let listener: any Channel
    /// The loopback port Chromium is pointed at.
    let port: Int

    /// Binds 127.0.0.1 on a free port and serves tunnels on `group`.
    /// - Throws: `BrowserError.launchFailed` when no port can be bound; the
    ///   browser must not start without its proxy.
    init(pins: PinnedHosts, group: any EventLoopGroup, logger: Logger) async throws {
        do {
            listener = try await ServerBootstrap(group: group)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handshake = SOCKSServerHandshakeHandler()
                        try channel.pipeline.syncOperations.addHandler(handshake)
                        try channel.pipeline.syncOperations.addHandler(SOCKSConnectHandler(handshake: handshake, pins: pins, logger: logger))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        } catch {
            throw BrowserError(.launchFailed, "cannot bind the browser's loopback proxy: \(error)")
        }
        guard let port = listener.localAddress?.port else {
            listener.close(promise: nil)
            throw BrowserError(.launchFailed, "the browser's loopback proxy has no port")
        }
        self.port = port
    }

    /// Stops accepting tunnels; open ones end with the browser's sockets.
    func close() {
        listener.close(promise: nil)
    }
}
