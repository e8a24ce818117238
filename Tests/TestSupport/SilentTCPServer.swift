import NIOCore
import NIOPosix

/// A site that accepts TCP connections on loopback and never answers: every
/// fetch against it holds its connection until the crawl's deadline.
///
/// It listens on several ports, since an HTTP engine keeps at most a few
/// connections per host and port and queues the rest; a client that spreads
/// its crawls over many ports holds that many sockets in crawld.
public final class SilentTCPServer: Sendable {
    private let listeners: [any Channel]
    /// One `http://127.0.0.1:PORT/` per listening port.
    public let urls: [String]

    /// - Parameter ports: how many ports to listen on.
    public static func start(ports: Int) async throws -> SilentTCPServer {
        var listeners: [any Channel] = []
        for _ in 0..<ports {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 1024)
                .childChannelOption(.autoRead, value: false)
                .bind(host: "127.0.0.1", port: 0).get()
            listeners.append(channel)
        }
        return SilentTCPServer(listeners: listeners)
    }

    private init(listeners: [any Channel]) {
        self.listeners = listeners
        urls = listeners.compactMap { $0.localAddress?.port }.map { "http://127.0.0.1:\($0)/" }
    }

    /// Closes the listeners (accepted connections close when crawld gives up on them).
    public func stop() async {
        for listener in listeners { try? await listener.close() }
    }
}
