import NIOCore
import NIOEmbedded
import Protocol
import Testing

@Suite struct LineFrameDecoderTests {
    private func decode(_ chunks: [String], limit: Int = 16) throws -> [InboundLine] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: limit)))
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(string: chunk))
        }
        var out: [InboundLine] = []
        while let item = try channel.readInbound(as: InboundLine.self) { out.append(item) }
        _ = try channel.finish()
        return out
    }

    private func text(_ item: InboundLine) -> String? {
        if case .line(let buffer) = item { return String(buffer: buffer) }
        return nil
    }

    @Test func linesSplitAcrossReadsAndCRLF() throws {
        let out = try decode(["{\"a\"", ":1}\r\n{\"b\":2}\n", "x\n"])
        #expect(out.map(text) == ["{\"a\":1}", "{\"b\":2}", "x"])
    }

    @Test func blankLinesAreSkipped() throws {
        let out = try decode(["\n\r\n   \nping\n"])
        #expect(out.map(text) == ["ping"])
    }

    @Test func lineOfExactlyTheLimitPasses() throws {
        let line = String(repeating: "a", count: 16)
        #expect(try decode([line + "\r\n"]).map(text) == [line])
    }

    @Test func tooLongLineIsReportedOnceAndTheNextLineWorks() throws {
        let long = String(repeating: "x", count: 17)
        #expect(try decode([long + "\nok\n"]) == [.tooLong, .line(ByteBuffer(string: "ok"))])
    }

    @Test func hugeLineInManyReadsIsDiscardedWithoutBuffering() throws {
        let chunks = Array(repeating: String(repeating: "y", count: 10), count: 50) + ["\nnext\n"]
        #expect(try decode(chunks) == [.tooLong, .line(ByteBuffer(string: "next"))])
    }

    @Test func halfLineAtDisconnectIsDropped() throws {
        #expect(try decode(["one\ntw"]).map(text) == ["one"])
    }
}
