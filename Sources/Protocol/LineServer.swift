import JSON
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The TCP server of shared/protocol.md: one JSON object per line in, one
/// final answer line per request out, requests on a connection concurrent.
///
/// A `Service`: `run()` binds, serves until graceful shutdown, then drains:
/// it stops accepting, answers new requests with `shutting_down`, gives the
/// requests in flight up to `drainTimeout` to finish, and closes what is left.
///
/// Event loop threads only frame bytes (`LineFrameDecoder`); JSON decoding and
/// dispatching run on a task per request.
public final class LineServer<Dispatcher: RequestDispatcher>: Service {
    private let configuration: LineServerConfiguration
    private let dispatcher: Dispatcher
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onBound: @Sendable (SocketAddress) -> Void
    private let onDrain: @Sendable () -> Void
    private let counters = Counters()

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
    }

    /// Requests being answered right now, over all connections.
    public var requestsInFlight: Int { counters.inflight.load(ordering: .relaxed) }

    /// Open client connections.
    public var openConnections: Int { counters.connections.load(ordering: .relaxed) }

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

    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<InboundLine, ByteBuffer>, Never> {
        let maximumLineBytes = configuration.maximumLineBytes
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // `printf … | nc -N` closes its sending side first: keep answering.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes))
                    )
                    return try NIOAsyncChannel<InboundLine, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 8, highWatermark: 64))
                    )
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

    // MARK: - Connections

    private func serve(_ connection: NIOAsyncChannel<InboundLine, ByteBuffer>) async {
        let open = counters.connections.wrappingAdd(1, ordering: .relaxed).newValue
        defer { counters.connections.wrappingSubtract(1, ordering: .relaxed) }
        let connectionID = counters.nextConnectionID.wrappingAdd(1, ordering: .relaxed).newValue
        do {
            try await connection.executeThenClose { inbound, outbound in
                if open > configuration.maximumConnections {
                    let error = ProtocolError(.busy, "too many connections (limit \(configuration.maximumConnections)); try again later")
                    try await outbound.write(ByteBuffer(bytes: AnswerLine.failure(id: .null, error)))
                    return
                }
                let session = Session(
                    connectionID: connectionID,
                    peer: connection.channel.remoteAddress.map { "\($0)" } ?? "?",
                    authenticated: !configuration.requiresAuthentication
                )
                try await serveRequests(inbound: inbound, outbound: outbound, session: session)
            }
        } catch {
            logger.debug("connection closed", metadata: ["crawld.connection": "\(connectionID)", "crawld.error": "\(error)"])
        }
    }

    private func serveRequests(
        inbound: NIOAsyncChannelInboundStream<InboundLine>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        session: Session
    ) async throws {
        let limiter = InflightLimiter(limit: configuration.maximumInflightPerConnection)
        let write: @Sendable ([UInt8]) async throws -> Void = { bytes in try await outbound.write(ByteBuffer(bytes: bytes)) }
        try await withThrowingDiscardingTaskGroup { group in
            for try await item in inbound {
                await limiter.acquire()
                if Task.isCancelled { break }
                counters.inflight.wrappingAdd(1, ordering: .relaxed)
                group.addTask {
                    defer {
                        limiter.release()
                        self.counters.inflight.wrappingSubtract(1, ordering: .relaxed)
                    }
                    let answer = await self.answer(item, session: session, write: write)
                    try? await write(answer)
                }
            }
        }
    }

    // MARK: - One request

    private func answer(_ item: InboundLine, session: Session, write: @escaping @Sendable ([UInt8]) async throws -> Void) async -> [UInt8] {
        guard case .line(let line) = item else {
            let error = ProtocolError(.lineTooLong, "line longer than \(configuration.maximumLineBytes) bytes; the rest of it was discarded")
            return AnswerLine.failure(id: .null, error)
        }
        let value: JSONValue
        do {
            value = try line.withUnsafeReadableBytes { raw in Result { () throws(JSONParseError) in try JSONValue.parse(raw) } }.get()
        } catch {
            return AnswerLine.failure(id: .null, ProtocolError(.badJSON, "not valid JSON: \(error)"))
        }
        let request: Request
        do {
            request = try Request(decoding: value)
        } catch {
            return AnswerLine.failure(id: error.id, error.error)
        }
        if counters.draining.load(ordering: .acquiring) {
            return AnswerLine.failure(id: request.id, ProtocolError(.shuttingDown, "crawld is shutting down; send this request to another instance or retry after restart"))
        }
        let context = RequestContext(session: session, events: EventSink(id: request.id, write: write))
        do {
            return AnswerLine.success(id: request.id, try await dispatcher.dispatch(request, context: context))
        } catch {
            return AnswerLine.failure(id: request.id, error)
        }
    }
}

/// The server's shared counters; atomics, read by the monitor without locks.
private final class Counters: Sendable {
    let inflight = Atomic<Int>(0)
    let connections = Atomic<Int>(0)
    let nextConnectionID = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
}
