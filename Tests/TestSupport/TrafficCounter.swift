import NIOCore
import NIOPosix
import Synchronization

/// A UDP port and a TCP port on 127.0.0.1 that count what reaches them:
/// datagrams on the one, accepted connections on the other. Stands for a
/// private service a page must not reach by any path (WebRTC, WebTransport,
/// preconnect), where no HTTP request may ever be logged.
public final class TrafficCounter: Sendable {
    public let udpPort: Int
    public let tcpPort: Int
    private let counts: Counts
    private let channels: [any Channel]

    private final class Counts: Sendable {
        let datagrams = Atomic<Int>(0)
        let connections = Atomic<Int>(0)
    }

    private final class DatagramCounter: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let counts: Counts
        init(_ counts: Counts) { self.counts = counts }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            counts.datagrams.add(1, ordering: .relaxed)
        }
    }

    public static func start() async throws -> TrafficCounter {
        let counts = Counts()
        let group = MultiThreadedEventLoopGroup.singleton
        let udp = try await DatagramBootstrap(group: group)
            .channelInitializer { $0.pipeline.addHandler(DatagramCounter(counts)) }
            .bind(host: "127.0.0.1", port: 0).get()
        let tcp = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                counts.connections.add(1, ordering: .relaxed)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TrafficCounter(counts: counts, udp: udp, tcp: tcp)
    }

    private init(counts: Counts, udp: any Channel, tcp: any Channel) {
        self.counts = counts
        self.channels = [udp, tcp]
        udpPort = udp.localAddress?.port ?? 0
        tcpPort = tcp.localAddress?.port ?? 0
    }

    public var datagrams: Int { counts.datagrams.load(ordering: .relaxed) }
    public var connections: Int { counts.connections.load(ordering: .relaxed) }

    public func stop() async {
        for channel in channels { try? await channel.close() }
    }
}
