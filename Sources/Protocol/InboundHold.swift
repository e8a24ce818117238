import NIOCore

/// Holds what a connection's pipeline hands up before the connection is
/// served, and hands it on, in order, when it is removed (`Connection.wrapped`).
///
/// A connection is read only once it is served (`autoRead` is off until then),
/// with one exception NIO makes: at the end of input it reads everything up to
/// it, whatever `autoRead` says. A client that sends its requests and closes
/// its sending side at once (`printf … | nc -N`) had them read and framed
/// before the async channel's handlers were there to take them: they fell off
/// the end of the pipeline, the end of input with them, and the connection got
/// no answer and stayed open for good.
final class InboundHold: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = [InboundLine]
    typealias InboundOut = [InboundLine]

    /// The handler's name in the pipeline, by which `Connection.wrapped` removes it.
    static let name = "crawld.inbound-hold"

    private enum Held {
        case read(NIOAny)
        case readComplete
        case event(Any)
        case error(any Error)
    }

    private var held: [Held] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        held.append(.read(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        held.append(.readComplete)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        held.append(.event(event))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        held.append(.error(error))
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        let held = self.held
        self.held = []
        for item in held {
            switch item {
            case .read(let data): context.fireChannelRead(data)
            case .readComplete: context.fireChannelReadComplete()
            case .event(let event): context.fireUserInboundEventTriggered(event)
            case .error(let error): context.fireErrorCaught(error)
            }
        }
        context.leavePipeline(removalToken: removalToken)
    }
}
