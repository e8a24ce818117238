import Glibc

/// Converts bytes in a legacy encoding to UTF-8 with glibc's iconv, replacing what cannot be
/// decoded with U+FFFD instead of stopping: a page with one bad byte is still a page.
enum TranscodingBuffer {
    /// Whether iconv knows `label` as a source encoding.
    static func isSupported(_ label: String) -> Bool {
        let descriptor = iconv_open("UTF-8", label)
        guard descriptor != iconv_t(bitPattern: -1) else { return false }
        iconv_close(descriptor)
        return true
    }

    /// The UTF-8 text of `bytes` read as `encoding`; UTF-8 when iconv does not know `encoding`.
    static func transcode(_ bytes: UnsafeRawBufferPointer, from encoding: String) -> String {
        let descriptor = iconv_open("UTF-8", encoding)
        guard descriptor != iconv_t(bitPattern: -1) else { return String(decoding: bytes, as: UTF8.self) }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: max(64, bytes.count * 2))
        var written = 0
        guard let base = bytes.baseAddress else { return "" }
        var input: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inputLeft = bytes.count
        while inputLeft > 0 {
            let produced = output.withUnsafeMutableBytes { buffer -> (Int, Int32) in
                var out: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.advanced(by: written).assumingMemoryBound(to: CChar.self)
                var outLeft = buffer.count - written
                let before = outLeft
                let result = iconv(descriptor, &input, &inputLeft, &out, &outLeft)
                return (before - outLeft, result == -1 ? errno : 0)
            }
            written += produced.0
            switch produced.1 {
            case 0:
                inputLeft = 0
            case E2BIG:
                output.append(contentsOf: repeatElement(0, count: output.count))
            default:
                // EILSEQ (an invalid sequence) or EINVAL (truncated at the end): one U+FFFD, skip a byte.
                if output.count - written < 3 { output.append(contentsOf: repeatElement(0, count: output.count)) }
                output.replaceSubrange(written..<written + 3, with: [0xEF, 0xBF, 0xBD])
                written += 3
                input = input?.advanced(by: 1)
                inputLeft -= 1
            }
        }
        return String(decoding: output[..<written], as: UTF8.self)
    }
}
