/// Decides which character encoding a body is in, the way browsers do, and turns it into UTF-8.
///
/// Order: a byte-order mark, then the HTTP `Content-Type` charset, then a `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">` in the first `prescanLimit`
/// bytes, else UTF-8. Labels follow the WHATWG Encoding standard where it matters in practice:
/// `iso-8859-1` and `us-ascii` mean windows-1252, and a `<meta>` claiming UTF-16 means UTF-8
/// (a page that is really UTF-16 has a BOM).
///
/// We transcode ourselves instead of letting libxml2 switch encodings mid-parse because libxml2
/// 2.9 either stops at the first invalid byte (when an encoder is set) or silently re-reads the
/// rest of the page as Latin-1 (when none is). Here invalid bytes become U+FFFD and the parser is
/// always handed valid UTF-8, with its own `<meta>` handling turned off (`HTML_PARSE_IGNORE_ENC`).
struct HTMLCharset: Equatable {
    /// How far into the body `<meta>` declarations are looked for. WHATWG says 1024; real pages
    /// put long `<head>` preambles first, so we look a little further.
    static let prescanLimit = 4096

    /// The canonical name we decode with (`utf-8`, `windows-1252`, `shift_jis`, ...).
    let name: String
    /// Where the decision came from, for diagnostics: `bom`, `header`, `meta` or `default`.
    let source: String

    static let utf8 = HTMLCharset(name: "utf-8", source: "default")

    /// Picks the encoding of `bytes`, given the charset parameter of the HTTP header, if any.
    static func detect(_ bytes: UnsafeRawBufferPointer, headerCharset: String?) -> HTMLCharset {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return HTMLCharset(name: "utf-8", source: "bom") }
        if bytes.starts(with: [0xFE, 0xFF]) { return HTMLCharset(name: "utf-16be", source: "bom") }
        if bytes.starts(with: [0xFF, 0xFE]) { return HTMLCharset(name: "utf-16le", source: "bom") }
        if let label = headerCharset, let name = canonicalName(label, fromMeta: false) {
            return HTMLCharset(name: name, source: "header")
        }
        if let label = metaCharset(in: bytes), let name = canonicalName(label, fromMeta: true) {
            return HTMLCharset(name: name, source: "meta")
        }
        return .utf8
    }

    /// Maps a label to the name we decode with, or nil when the label is unknown to iconv.
    static func canonicalName(_ label: String, fromMeta: Bool) -> String? {
        let label = label.lowercased()
        switch label {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "cp1252", "windows-1252", "x-cp1252":
            return "windows-1252"
        case "utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2":
            return fromMeta ? "utf-8" : (label == "utf-16be" ? "utf-16be" : "utf-16le")
        default:
            return TranscodingBuffer.isSupported(label) ? label : nil
        }
    }

    /// Finds `charset=` inside the first `<meta ...>` tags that carry one.
    static func metaCharset(in bytes: UnsafeRawBufferPointer) -> String? {
        let window = bytes.prefix(prescanLimit)
        var index = window.startIndex
        while let open = window[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = open + 1
            guard startsCaseInsensitive(window[index...], with: "meta") else { continue }
            let tagEnd = window[index...].firstIndex(of: UInt8(ascii: ">")) ?? window.endIndex
            let tag = window[index..<tagEnd]
            index = tagEnd
            if let value = charsetValue(in: tag) { return value }
        }
        return nil
    }

    /// The value after `charset` `=` in a tag's text, unquoted, up to a quote, space, `;` or `/`.
    /// Byte by byte, ASCII case-insensitively: it runs on the `<meta>` tags of every page whose
    /// header names no charset, and the String version was a measurable part of a crawl.
    private static func charsetValue(in tag: Slice<UnsafeRawBufferPointer>) -> String? {
        let word = Array("charset".utf8)
        guard tag.count >= word.count,
            let start = (tag.startIndex...(tag.endIndex - word.count)).first(where: { start in
                word.indices.allSatisfy { tag[start + $0] | 0x20 == word[$0] }
            })
        else { return nil }
        var rest = tag[(start + word.count)...].drop { $0 == UInt8(ascii: " ") }
        guard rest.first == UInt8(ascii: "=") else { return nil }
        rest = rest.dropFirst().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
        let stops = Array("\"' ;/>\t\n\r".utf8)
        let value = rest.prefix { !stops.contains($0) }
        return value.isEmpty ? nil : String(decoding: value, as: UTF8.self).lowercased()
    }

    private static func startsCaseInsensitive(_ bytes: Slice<UnsafeRawBufferPointer>, with word: String) -> Bool {
        let word = Array(word.utf8)
        guard bytes.count > word.count else { return false }
        for (offset, letter) in word.enumerated() where bytes[bytes.startIndex + offset] | 0x20 != letter {
            return false
        }
        let next = bytes[bytes.startIndex + word.count]
        return next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\n")
            || next == UInt8(ascii: "\r") || next == UInt8(ascii: "/")
    }

    /// Hands a body to `parse` as valid UTF-8, the only input libxml2 is ever given: as it is
    /// when it already is valid UTF-8 (the common case, no copy), else decoded into a valid
    /// UTF-8 copy (`decode`). Both the tree (`HTMLDocument`) and the streaming pass
    /// (`PageOutline`) read their input through here, so they see the same characters.
    static func withUTF8<Parsed>(
        _ bytes: some Collection<UInt8>, headerCharset: String?, _ parse: (UnsafeRawBufferPointer) -> Parsed
    ) -> (Parsed, HTMLCharset) {
        func read(_ raw: UnsafeRawBufferPointer) -> (Parsed, HTMLCharset) {
            let charset = detect(raw, headerCharset: headerCharset)
            if charset.name == "utf-8" && charset.source != "bom" && isValidUTF8(raw) { return (parse(raw), charset) }
            var text = charset.decode(raw)
            return (text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }, charset)
        }
        return bytes.withContiguousStorageIfAvailable { read(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes(read)
    }

    /// The body as valid UTF-8: BOM removed, invalid sequences replaced by U+FFFD.
    func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        switch name {
        case "utf-8":
            let start = source == "bom" ? 3 : 0
            return String(decoding: bytes[start...], as: UTF8.self)
        default:
            let start = source == "bom" ? 2 : 0
            return TranscodingBuffer.transcode(UnsafeRawBufferPointer(rebasing: bytes[start...]), from: name)
        }
    }
}

extension HTMLCharset {
    /// Whether `bytes` are valid UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
    /// U+10FFFF). Lets valid pages, nearly all of them, go to libxml2 without a copy; ASCII runs
    /// are skipped eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var index = 0
        while index < count {
            while index + 8 <= count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { return true }
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0x00..<0x80: length = 1
            case 0xC2..<0xE0: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xED: (length, high) = (3, 0x9F)
            case 0xE1..<0xF0: length = 3
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF4: (length, high) = (4, 0x8F)
            case 0xF1..<0xF4: length = 4
            default: return false
            }
            guard index + length <= count else { return false }
            if length > 1 {
                guard bytes[index + 1] >= low && bytes[index + 1] <= high else { return false }
                for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return false }
            }
            index += length
        }
        return true
    }
}
