import NIOCore

/// Gathers the lines framed during one read burst into one batch and hands it
/// up at `channelReadComplete`.
///
/// A pipelining client sends dozens of lines per TCP segment. Handed up one
/// by one, every line costs the connection's task a trip through the async
/// stream; as one batch, the task wakes once, answers the cheap requests of
/// the batch together and writes their answers with one flush
/// (`LineServer+Connection`). This handler only appends to an array, so the
/// event loop still does nothing but move bytes.
final class LineBatchHandler: ChannelInboundHandler {
    typealias InboundIn = InboundLine
    typealias InboundOut = [InboundLine]

    private var batch: [InboundLine] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        batch.append(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        deliver(context: context)
        context.fireChannelReadComplete()
    }

    // Lines framed just before an end of input or a close still get answered.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        deliver(context: context)
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deliver(context: context)
        context.fireChannelInactive()
    }

    private func deliver(context: ChannelHandlerContext) {
        guard !batch.isEmpty else { return }
        let lines = batch
        batch.removeAll(keepingCapacity: true)
        context.fireChannelRead(wrapInboundOut(lines))
    }
}
