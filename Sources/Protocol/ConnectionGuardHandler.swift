import JSON
import NIOCore

/// Closes a connection from the event loop, with a final error line, when
/// the server must end it regardless of the requests on it: `auth` did not
/// succeed within the deadline, or the daemon-wide `PartialLineLedger`
/// chose it as the connection holding the longest partial line.
///
/// It writes through its own context, ahead of the async channel's handlers,
/// so the final line goes out even while the connection's task is busy or
/// its writer is waiting on a client that does not read.
final class ConnectionGuardHandler: ChannelInboundHandler {
    typealias InboundIn = [InboundLine]
    typealias InboundOut = [InboundLine]

    private let session: Session
    private let ledger: PartialLineLedger
    /// nil when no token is configured: every connection is authenticated from the start.
    private let authTimeout: TimeAmount?
    private var deadline: Scheduled<Void>?

    init(session: Session, ledger: PartialLineLedger, authTimeout: TimeAmount?) {
        self.session = session
        self.ledger = ledger
        self.authTimeout = authTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        ledger.register(session.connectionID) { message, now in
            if now && eventLoop.inEventLoop {
                Self.close(bound.value, ProtocolError(.lineTooLong, message))
            } else {
                eventLoop.execute { Self.close(bound.value, ProtocolError(.lineTooLong, message)) }
            }
        }
        guard let authTimeout, !session.isAuthenticated else { return }
        let session = self.session
        deadline = eventLoop.scheduleTask(in: authTimeout) {
            guard !session.isAuthenticated else { return }
            let seconds = Double(authTimeout.nanoseconds) / 1e9
            Self.close(bound.value, ProtocolError(.unauthorized, "no successful auth within \(seconds) s of connecting; closing"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        forget()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        forget()
    }

    private func forget() {
        deadline?.cancel()
        deadline = nil
        ledger.remove(session.connectionID)
    }

    /// Writes the final line and closes once it is written, or after a
    /// second if the client does not read it.
    private static func close(_ context: ChannelHandlerContext, _ error: ProtocolError) {
        let channel = context.channel
        guard channel.isActive else { return }
        let line = channel.allocator.buffer(bytes: AnswerLine.failure(id: .null, error))
        context.writeAndFlush(NIOAny(line)).whenComplete { _ in channel.close(promise: nil) }
        context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }
}
