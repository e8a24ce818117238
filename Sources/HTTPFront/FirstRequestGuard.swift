import HummingbirdCore
import Logging
import NIOCore
import Protocol

/// Hummingbird's HTTP/1 and WebSocket channel, with a connection's first
/// request guarded until the first response starts.
///
/// Why: Hummingbird closes an idle connection only once it has read a first
/// request, and its WebSocket upgrade pipeline neither answers nor closes a
/// first request its HTTP parser rejects (a method it does not know, say) or
/// an upgrade that carries a body. A client could open connections that send
/// nothing, half a request head or such a request, and hold them for good,
/// up to the listener's ceiling (`HTTPFrontConfiguration.maximumConnections`),
/// and lock operators out of the dashboard and `/metrics`. So a connection
/// whose first request head has not arrived within `headTimeout` is closed,
/// as web servers bound a request head's time (nginx's
/// `client_header_timeout`), and so is one whose pipeline failed before a
/// response started and that is not answered within `answerGrace` (a refused
/// upgrade is answered 400 at once). From the first response on,
/// Hummingbird's own handling applies. A connection past its address's
/// `ConnectionShare` is closed as soon as it is set up.
struct FirstRequestGuardedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    let inner: Inner
    let headTimeout: TimeAmount
    let share: ConnectionShare

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        let key = channel.remoteAddress?.ipAddress.map(PeerKey.of)
        let admitted = key.map(share.admit) ?? true
        if admitted, let key { channel.closeFuture.whenComplete { _ in share.release(key) } }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            guard admitted else {
                // Set up as any connection, then closed: the server ends it as it ends any closed one.
                channel.close(promise: nil)
                return value
            }
            let watch = EarlyErrorWatch()
            let deadline = RequestHeadDeadline(timeout: headTimeout, watch: watch)
            watch.deadline = deadline
            try channel.pipeline.syncOperations.addHandler(watch)
            try channel.pipeline.syncOperations.addHandler(deadline, position: .first)
            return value
        }
    }

    func handle(value: Inner.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// First in the pipeline, where the bytes are raw: closes the connection
/// when no blank line ends a request head within `timeout` of its setup, or
/// when no response starts within `answerGrace` of a failure `watch` saw;
/// takes itself and `watch` out when the first response is written.
final class RequestHeadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// The end of a request head: an empty line after the header lines.
    private static let headEnd: UInt32 = 0x0D0A_0D0A
    /// How long a connection whose pipeline failed may wait for its answer.
    static let answerGrace: TimeAmount = .seconds(2)

    private let timeout: TimeAmount
    private let watch: EarlyErrorWatch
    private var context: ChannelHandlerContext?
    private var closing: Scheduled<Void>?
    /// The last four bytes read, to find `headEnd` across reads.
    private var lastBytes: UInt32 = 0
    private var headRead = false
    private var responded = false

    init(timeout: TimeAmount, watch: EarlyErrorWatch) {
        self.timeout = timeout
        self.watch = watch
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        closeUnlessAnswered(within: timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closing?.cancel()
        closing = nil
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !headRead {
            for byte in unwrapInboundIn(data).readableBytesView {
                lastBytes = lastBytes << 8 | UInt32(byte)
                if lastBytes == Self.headEnd {
                    headRead = true
                    closing?.cancel()
                    closing = nil
                    break
                }
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        guard !responded else { return }
        responded = true
        context.pipeline.syncOperations.removeHandler(watch, promise: nil)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// The pipeline failed before a response started (`EarlyErrorWatch`).
    func pipelineFailed() {
        closing?.cancel()
        closing = nil
        closeUnlessAnswered(within: Self.answerGrace)
    }

    private func closeUnlessAnswered(within delay: TimeAmount) {
        guard let context else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        closing = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            loopBound.value.close(promise: nil)
        }
    }
}

/// Last in the pipeline at setup: tells `deadline` of an error no handler
/// before it dealt with, until the first response takes it out.
final class EarlyErrorWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    weak var deadline: RequestHeadDeadline?

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        deadline?.pipelineFailed()
        context.fireErrorCaught(error)
    }
}
