import NIOCore

/// What the framing layer hands up: a complete line, or the news that a line
/// ran past the limit (its bytes are being discarded).
public enum InboundLine: Sendable, Equatable {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream into lines ending in `\n` (a trailing `\r` is
/// dropped), never buffering more than `maximumLineBytes`.
///
/// A line past the limit is reported once as `.tooLong` as soon as the limit
/// is crossed, and the rest of it is thrown away as it arrives, so a client
/// sending a line of several gigabytes costs at most one limit of memory.
/// Blank lines are skipped here, as protocol.md says they are ignored.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundLine

    private let maximumLineBytes: Int
    private var discarding = false
    /// How far the current partial line has been searched for `\n` already,
    /// so that a line arriving in many reads is scanned once, not each time.
    private var scanned = 0

    public init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.dropFirst(scanned).firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
            } else if buffer.readableBytes > maximumLineBytes + 1 {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
                discarding = true
                context.fireChannelRead(Self.wrapInboundOut(.tooLong))
            } else {
                scanned = buffer.readableBytes
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        scanned = 0
        guard var line = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding {
            discarding = false
            return .continue
        }
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        if line.readableBytes > maximumLineBytes {
            context.fireChannelRead(Self.wrapInboundOut(.tooLong))
        } else if line.readableBytesView.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        }
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // Half a line followed by a disconnect is dropped: there is nobody
        // left to answer.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
