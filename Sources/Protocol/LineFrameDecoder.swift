import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the framing layer hands up: a complete line, or the news that a line
/// ran past the limit (its bytes are being discarded).
public enum InboundLine: Sendable, Equatable {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream into lines ending in `\n` (a trailing `\r` is
/// dropped), never buffering more than the connection's line limit.
///
/// A line past the limit is reported once as `.tooLong` as soon as the limit
/// is crossed, and the rest of it is thrown away as it arrives, so a client
/// sending a line of several gigabytes costs at most one limit of memory.
/// Before the connection's `auth` succeeds the limit is the much smaller
/// `unauthenticatedLineBytes`: an `auth` line is short, and a stranger must
/// not make crawld hold a megabyte per connection; a line past it ends the
/// connection (`stopReading`). The partial line's size
/// is reported to the daemon-wide `PartialLineLedger`, which bounds the sum
/// over all connections. Blank lines are skipped here, as protocol.md says
/// they are ignored.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundLine

    private let maximumLineBytes: Int
    private let unauthenticatedLineBytes: Int
    private let session: Session?
    private let ledger: PartialLineLedger?
    private var discarding = false
    /// How far the current partial line has been searched for `\n` already,
    /// so that a line arriving in many reads is scanned once, not each time.
    private var scanned = 0
    /// The partial line's size as the ledger last heard it.
    private var reported = 0

    public init(maximumLineBytes: Int) {
        self.init(maximumLineBytes: maximumLineBytes, unauthenticatedLineBytes: maximumLineBytes, session: nil)
    }

    /// - Parameters:
    ///   - unauthenticatedLineBytes: the limit while `session` is not authenticated.
    public init(maximumLineBytes: Int, unauthenticatedLineBytes: Int, session: Session?) {
        self.init(maximumLineBytes: maximumLineBytes, unauthenticatedLineBytes: unauthenticatedLineBytes, session: session, ledger: nil)
    }

    init(maximumLineBytes: Int, unauthenticatedLineBytes: Int, session: Session?, ledger: PartialLineLedger?) {
        self.maximumLineBytes = maximumLineBytes
        self.unauthenticatedLineBytes = min(unauthenticatedLineBytes, maximumLineBytes)
        self.session = session
        self.ledger = ledger
    }

    private var limit: Int {
        guard let session, !session.isAuthenticated else { return maximumLineBytes }
        return unauthenticatedLineBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let limit = self.limit
        guard let length = newlineOffset(in: buffer) else {
            if discarding {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
            } else if buffer.readableBytes > limit + 1 {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
                discarding = true
                context.fireChannelRead(Self.wrapInboundOut(.tooLong))
                if limit < maximumLineBytes { stopReading(context) }
            } else {
                scanned = buffer.readableBytes
            }
            report(&buffer)
            return .needMoreData
        }
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
        if line.readableBytes > limit {
            context.fireChannelRead(Self.wrapInboundOut(.tooLong))
            if limit < maximumLineBytes { stopReading(context) }
        } else if line.readableBytesView.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        }
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // Half a line followed by a disconnect is dropped: there is nobody
        // left to answer.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        report(&buffer)
        return .needMoreData
    }

    /// Where the first `\n` not yet searched for is, from the buffer's
    /// reader index. `memchr` rather than a Swift loop: a flood of bytes with
    /// no newline is searched on the event loop, and at C speed the loop
    /// stays free for other connections.
    private func newlineOffset(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { raw in
            guard raw.count > scanned, let base = raw.baseAddress,
                let found = memchr(base + scanned, Int32(UInt8(ascii: "\n")), raw.count - scanned)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// Before `auth`, a line past the small limit is no client's `auth`:
    /// reading stops (the input side is shut), the `line_too_long` answer
    /// still goes out, and the connection then ends, instead of crawld
    /// reading and discarding whatever a stranger keeps sending.
    private func stopReading(_ context: ChannelHandlerContext) {
        context.close(mode: .input, promise: nil)
    }

    /// Tells the ledger the memory the partial line holds when it is or was
    /// worth counting: the buffer's capacity, which is what the process
    /// pays (it grows by doubling as reads are appended), not just the bytes
    /// received.
    /// When the ledger evicts this connection, its partial line is dropped
    /// here and the rest of the input discarded until the close.
    private mutating func report(_ buffer: inout ByteBuffer) {
        let bytes = buffer.readableBytes >= PartialLineLedger.trackedFromBytes ? buffer.capacity : buffer.readableBytes
        guard let ledger, let session, bytes != reported else { return }
        guard bytes >= PartialLineLedger.trackedFromBytes || reported >= PartialLineLedger.trackedFromBytes else { return }
        reported = bytes
        if ledger.update(session.connectionID, bytes: bytes) {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            discarding = true
        }
    }
}
