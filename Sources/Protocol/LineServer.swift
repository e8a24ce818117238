import JSON
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The TCP server of docs/protocol.md: one JSON object per line in, one
/// final answer line per request out, requests on a connection concurrent.
///
/// A `Service`: `run()` binds, serves until graceful shutdown, then drains:
/// it stops accepting, answers new requests with `shutting_down`, gives the
/// requests in flight up to `drainTimeout` to finish, and closes what is left.
///
/// Event loop threads only frame bytes (`LineFrameDecoder`) and gather the
/// lines of one read (`LineBatchHandler`); JSON decoding and dispatching run
/// on the connection's task, or a child task per request for requests that
/// may wait (`LineServer+Connection`).
public final class LineServer<Dispatcher: RequestDispatcher>: Service {
    let configuration: LineServerConfiguration
    let dispatcher: Dispatcher
    private let group: any EventLoopGroup
    let logger: Logger
    private let onBound: @Sendable (SocketAddress) -> Void
    private let onDrain: @Sendable () -> Void
    let counters = LineServerCounters()
    let ledger: PartialLineLedger

    /// - Parameters:
    ///   - onBound: called once listening, with the bound address (the real
    ///     port when the configuration asked for port 0).
    ///   - onDrain: called when draining starts (e.g. sd_notify STOPPING=1).
    public init(
        configuration: LineServerConfiguration,
        dispatcher: Dispatcher,
        group: any EventLoopGroup,
        logger: Logger,
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in },
        onDrain: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.group = group
        self.logger = logger
        self.onBound = onBound
        self.onDrain = onDrain
        self.ledger = PartialLineLedger(budgetBytes: configuration.partialLineBudgetBytes)
    }

    /// Requests being answered right now, over all connections.
    public var requestsInFlight: Int { counters.inflight.load(ordering: .relaxed) }

    /// Open client connections.
    public var openConnections: Int { counters.connections.load(ordering: .relaxed) }

    /// Bytes of partial lines counted against `partialLineBudgetBytes` now.
    public var partialLineBytes: Int { ledger.totalBytes }

    public func run() async throws {
        let serverChannel = try await bind()
        if let address = serverChannel.channel.localAddress { onBound(address) }

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await serverChannel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
                await drain()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.counters.draining.store(true, ordering: .releasing)
            self.onDrain()
            self.logger.info("draining: no new connections, new requests answered shutting_down")
            serverChannel.channel.close(promise: nil)
        }
        logger.info("server stopped")
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let configuration = self.configuration
        let counters = self.counters
        let ledger = self.ledger
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // `printf … | nc -N` closes its sending side first: keep answering.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Nothing is read before `serve` wraps the channel (see `Connection`), or a request sent at once is lost.
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let session = Session(
                        peer: channel.remoteAddress.map { "\($0)" } ?? "?",
                        peerAddress: channel.remoteAddress?.ipAddress,
                        authenticated: !configuration.requiresAuthentication
                    )
                    let pipeline = channel.pipeline.syncOperations
                    if let tls = configuration.tls {
                        try pipeline.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    let decoder = LineFrameDecoder(
                        maximumLineBytes: configuration.maximumLineBytes,
                        unauthenticatedLineBytes: configuration.maximumUnauthenticatedLineBytes,
                        session: session, ledger: ledger
                    )
                    let authTimeout: TimeAmount? = configuration.requiresAuthentication ? TimeAmount(configuration.authTimeout) : nil
                    try pipeline.addHandlers(
                        ByteToMessageHandler(decoder), LineBatchHandler(),
                        ConnectionGuardHandler(session: session, ledger: ledger, authTimeout: authTimeout)
                    )
                    try pipeline.addHandler(InboundHold(), name: InboundHold.name)
                    return Connection(channel: channel, session: session)
                }
            }
    }

    /// Waits until every request in flight has answered, or the drain timeout.
    private func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.drainTimeout)
        while requestsInFlight > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if requestsInFlight > 0 {
            logger.warning("drain timeout: \(requestsInFlight) requests still in flight are cut off")
        }
    }
}

/// One accepted connection: its channel and the session its pipeline was built for.
///
/// The channel is wrapped in an `NIOAsyncChannel` only when it is served. A connection accepted while SIGTERM
/// closes the listener stays in the server's stream and is dropped unserved; an async channel dropped so traps
/// (its writer must be finished: swift-nio #2813), and crawld died by SIGILL instead of draining. A plain
/// channel dropped is closed with the event loops at exit.
struct Connection: Sendable {
    let channel: any Channel
    let session: Session

    /// The channel as an async channel, reading from now on. Elements are batches of one read each (at most
    /// `maxMessagesPerRead` socket reads): a few of them buffered keep the task busy without holding much memory.
    /// What arrived before (requests sent with the end of input) comes first, from `InboundHold`.
    func wrapped() async throws -> NIOAsyncChannel<[InboundLine], ByteBuffer> {
        let channel = self.channel
        return try await channel.eventLoop.submit {
            let wrapped = try NIOAsyncChannel<[InboundLine], ByteBuffer>(
                wrappingChannelSynchronously: channel,
                configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4))
            )
            channel.pipeline.syncOperations.removeHandler(name: InboundHold.name, promise: nil)
            try channel.syncOptions?.setOption(.autoRead, value: true)
            return wrapped
        }.get()
    }
}

/// The server's shared counters; atomics, read by the monitor without locks.
final class LineServerCounters: Sendable {
    let inflight = Atomic<Int>(0)
    let connections = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
}
