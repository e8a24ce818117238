internal import CZlib

/// The bytes libxml2's reader pulls from one sitemap body: as they are, or
/// inflated from gzip (`.xml.gz`, recognised by its magic bytes) a chunk at a
/// time, never more than `maxBytes` in all.
///
/// Why inflate on demand rather than into a buffer: a gzip bomb of a few
/// kilobytes that would expand to gigabytes costs at most `maxBytes` of
/// inflating (50 MB, a fraction of a second) and one chunk of memory; the
/// reader stops at the first read past the limit. Owns its `z_stream`
/// (heap-allocated: zlib keeps a pointer back to it) and frees it in `deinit`;
/// used by one parse on one thread.
final class SitemapInput {
    private let body: [UInt8]
    private var offset = 0
    private let stream: UnsafeMutablePointer<z_stream>?
    private var streamEnded = false
    private let maxBytes: Int
    /// Bytes handed to the reader so far (uncompressed).
    private(set) var produced = 0
    /// The body holds more than `maxBytes` uncompressed.
    private(set) var overLimit = false
    /// The gzip stream is corrupt or cut short.
    private(set) var corrupt = false

    init(_ body: [UInt8], maxBytes: Int) {
        self.body = body
        self.maxBytes = maxBytes
        guard body.count >= 2, body[0] == 0x1F, body[1] == 0x8B else {
            stream = nil
            return
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        if czlib_inflate_init_auto(stream) != Z_OK {
            stream.deinitialize(count: 1)
            stream.deallocate()
            self.stream = nil
            corrupt = true
            return
        }
        self.stream = stream
    }

    deinit {
        guard let stream else { return }
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Whether the body is gzip.
    var isGzip: Bool { stream != nil || corrupt }

    /// Fills up to `count` bytes of `buffer`: the count written, 0 at the end,
    /// -1 past `maxBytes` or on a corrupt stream (libxml2's read-callback contract).
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        if corrupt || overLimit { return -1 }
        // One byte more than the limit allows tells "exactly maxBytes" from "more".
        let room = min(count, maxBytes - produced + 1)
        let written = stream.map { inflate(into: buffer, count: room, stream: $0) } ?? copy(into: buffer, count: room)
        guard written >= 0 else { return -1 }
        produced += written
        if produced > maxBytes {
            overLimit = true
            return -1
        }
        return Int32(written)
    }

    private func copy(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        let length = min(count, body.count - offset)
        guard length > 0 else { return 0 }
        body.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: length)
        }
        offset += length
        return length
    }

    private func inflate(into buffer: UnsafeMutablePointer<CChar>, count: Int, stream: UnsafeMutablePointer<z_stream>) -> Int {
        if streamEnded { return 0 }
        return body.withUnsafeBufferPointer { source -> Int in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + offset)
            stream.pointee.avail_in = UInt32(body.count - offset)
            stream.pointee.next_out = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(count)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            offset = body.count - Int(stream.pointee.avail_in)
            let written = count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                streamEnded = true
                return written
            case Z_OK:
                return written
            case Z_BUF_ERROR where written > 0:
                return written
            default:
                // Z_BUF_ERROR with nothing written: the input ended before the stream did.
                corrupt = true
                return -1
            }
        }
    }
}
