// libFuzzer target: line framing (Sources/Protocol/LineFrameDecoder.swift, compiled into this
// target), fed through a real `ByteToMessageHandler` on an `EmbeddedChannel`. The first byte sets
// the size of the reads the input arrives in. Every line handed up must be within the limit and
// hold no newline, and the lines must be the input's non-blank lines of at most the limit, in
// order.
import NIOCore
import NIOEmbedded

private let limit = 32

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let chunk = Int(data[0] % 16) + 1
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: limit)))
    var lines: [[UInt8]] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        try! channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
        while let frame = try! channel.readInbound(as: InboundLine.self) {
            guard case .line(let line) = frame else { continue }
            let content = Array(line.readableBytesView)
            if content.count > limit || content.contains(UInt8(ascii: "\n")) { fatalError("a line of \(content.count) bytes was handed up") }
            lines.append(content)
        }
        offset = end
    }
    _ = try? channel.finish()
    if lines != expectedLines(bytes) { fatalError("lines \(lines) for input \(Array(bytes))") }
    return 0
}

/// The complete lines of `bytes` (a trailing `\r` dropped) that are not blank and fit the limit.
private func expectedLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    lines.removeLast()
    return lines.map { $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : $0 }
        .filter { $0.count <= limit && $0.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") } }
}
