import FoundationEssentials
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// One kept-alive plain-HTTP/1.1 connection on NIO's own client handlers,
/// serving one request at a time for `HTTP1Connections`.
///
/// Why not AsyncHTTPClient for plain HTTP: its machinery around each request
/// (request bag, pool manager, state machines, futures) cost more CPU than
/// NIO's handlers under it, and was the largest part of a job's small page
/// (issue 25; `FetchBench`, docs/benchmarks.md). HTTPS, HTTP/2 and proxies
/// stay on AsyncHTTPClient.
final class HTTP1Connection: Sendable {
    /// A response, and whether its connection can serve another request.
    typealias Outcome = (response: ResponseAccumulator.Response, reusable: Bool)

    let channel: any Channel
    private let handler: NIOLoopBound<HTTP1ResponseHandler>

    private init(channel: any Channel, handler: NIOLoopBound<HTTP1ResponseHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Connects to `address` when given (the address `AddressPolicy`
    /// checked), else to what `host` resolves to.
    ///
    /// The wait ends at once when the calling task is cancelled; a connect
    /// that succeeds after that is closed.
    static func connect(
        host: String, port: Int, address: IPAddress?, configuration: HTTPEngineConfiguration, eventLoopGroup: any EventLoopGroup
    ) async throws -> HTTP1Connection {
        let eventLoop = eventLoopGroup.next()
        let decompression = configuration.decompression
        let limit = configuration.maxBodyBytes
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(configuration.connectTimeoutMilliseconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHTTPClientHandlers()
                    if decompression { try pipeline.addHandler(NIOHTTPResponseDecompressor(limit: .size(limit))) }
                    try pipeline.addHandler(HTTP1ResponseHandler())
                }
            }
        let connecting: EventLoopFuture<any Channel>
        if let address {
            connecting = bootstrap.connect(to: try SocketAddress(ipAddress: address.description, port: port))
        } else {
            connecting = bootstrap.connect(host: host, port: port)
        }
        let connected = eventLoop.makePromise(of: HTTP1Connection.self)
        connecting.flatMapThrowing { channel in
            let handler = try channel.pipeline.syncOperations.handler(type: HTTP1ResponseHandler.self)
            return HTTP1Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: eventLoop))
        }.cascade(to: connected)
        return try await withTaskCancellationHandler {
            try await connected.futureResult.get()
        } onCancel: {
            connected.fail(CancellationError())
            connecting.whenSuccess { $0.close(promise: nil) }
        }
    }

    /// Sends `head` and gathers its response. The wait ends when the calling
    /// task is cancelled, and the connection is then closed.
    func request(_ head: HTTPRequestHead, into accumulator: ResponseAccumulator) async throws -> Outcome {
        let promise = channel.eventLoop.makePromise(of: Outcome.self)
        let handler = handler
        let channel = channel
        channel.eventLoop.execute {
            // The server may have closed the connection since the pool handed it
            // out, and a closed channel fires no more events: the request ends
            // here, or when its write fails.
            guard channel.isActive else { return promise.fail(ChannelError.ioOnClosedChannel) }
            handler.value.expect(accumulator, keepAlive: head.isKeepAlive, promise: promise)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in
                handler.value.abandon(error)
                channel.close(promise: nil)
            }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// Gathers the response to the request in flight on its connection; it
/// closes the connection on any error, or when a response arrives unasked.
final class HTTP1ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private struct Pending {
        var accumulator: ResponseAccumulator
        let keepAlive: Bool
        let promise: EventLoopPromise<HTTP1Connection.Outcome>
        var responseKeepAlive = false
    }

    private var pending: Pending?

    func expect(
        _ accumulator: ResponseAccumulator, keepAlive: Bool, promise: EventLoopPromise<HTTP1Connection.Outcome>
    ) {
        pending = Pending(accumulator: accumulator, keepAlive: keepAlive, promise: promise)
    }

    /// Ends the request in flight, if any, with `error`: its request could not be sent.
    func abandon(_ error: any Error) {
        pending.take()?.promise.fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let promise = pending?.promise else {
            context.close(promise: nil)
            return
        }
        do {
            switch unwrapInboundIn(data) {
            case .head(let head):
                try pending?.accumulator.receive(head)
                pending?.responseKeepAlive = head.isKeepAlive
            case .body(let part):
                try pending?.accumulator.receive(part)
            case .end:
                guard var done = pending.take() else { return }
                let reusable = done.keepAlive && done.responseKeepAlive
                promise.succeed((try done.accumulator.finish(), reusable))
                if !reusable { context.close(promise: nil) }
            }
        } catch let abandoned as ResponseAccumulator.AbandonedRedirectBody {
            pending = nil
            promise.succeed((abandoned.response, false))
            context.close(promise: nil)
        } catch {
            pending = nil
            promise.fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.take()?.promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending.take()?.promise.fail(error)
        context.close(promise: nil)
    }
}
