import NIOCore
import NIOEmbedded
import Testing

@testable import Protocol

@Suite struct LineBatchHandlerTests {
    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 64)), LineBatchHandler())
        return channel
    }

    private func texts(_ batch: [InboundLine]?) -> [String?]? {
        batch?.map { item in
            if case .line(let buffer) = item { return String(buffer: buffer) }
            return nil
        }
    }

    @Test func linesOfOneReadBurstArriveAsOneBatch() throws {
        let channel = try channel()
        channel.pipeline.fireChannelRead(ByteBuffer(string: "a\nb\nc"))
        channel.pipeline.fireChannelRead(ByteBuffer(string: "\nd\n"))
        #expect(try channel.readInbound(as: [InboundLine].self) == nil)
        channel.pipeline.fireChannelReadComplete()
        #expect(texts(try channel.readInbound(as: [InboundLine].self)) == ["a", "b", "c", "d"])
        try channel.writeInbound(ByteBuffer(string: "e\n"))
        #expect(texts(try channel.readInbound(as: [InboundLine].self)) == ["e"])
        #expect(try channel.readInbound(as: [InboundLine].self) == nil)
        _ = try channel.finish()
    }

    @Test func aReadWithoutACompleteLineSendsNoBatch() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "half"))
        #expect(try channel.readInbound(as: [InboundLine].self) == nil)
        try channel.writeInbound(ByteBuffer(string: " a line\n"))
        #expect(texts(try channel.readInbound(as: [InboundLine].self)) == ["half a line"])
        _ = try channel.finish()
    }

    @Test func linesReadBeforeTheEndOfInputAreHandedUp() throws {
        let channel = try channel()
        channel.pipeline.fireChannelRead(ByteBuffer(string: "x\n"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(texts(try channel.readInbound(as: [InboundLine].self)) == ["x"])
        _ = try channel.finish()
    }

    @Test func tooLongLineIsPartOfTheBatch() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: String(repeating: "z", count: 70) + "\nok\n"))
        #expect(try channel.readInbound(as: [InboundLine].self) == [.tooLong, .line(ByteBuffer(string: "ok"))])
        _ = try channel.finish()
    }
}
