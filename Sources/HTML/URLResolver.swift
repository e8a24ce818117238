internal import CLibXML2

/// Makes `href` values absolute with libxml2's RFC 3986 resolver (`xmlBuildURI`).
///
/// Browsers are lenient where RFC 3986 is not, so an href is first cleaned the way a browser
/// does: surrounding whitespace trimmed, tabs and newlines removed, and spaces, non-ASCII bytes
/// and other characters illegal in a URI percent-encoded. Without that, `xmlBuildURI` rejects
/// hrefs such as `/a b` or `/café`.
enum URLResolver {
    /// Schemes whose links lead to no page a crawler can fetch.
    static let excludedSchemes = ["javascript:", "mailto:", "tel:", "data:"]

    /// `href` resolved against `base` (itself absolute, or nil to leave relative hrefs relative),
    /// without its fragment unless `keepFragment`; nil when unusable or of an excluded scheme.
    static func resolve(_ href: String, against base: String?, keepFragment: Bool = false) -> String? {
        let cleaned = clean(href)
        let lowered = cleaned.prefix(12).lowercased()
        if excludedSchemes.contains(where: { lowered.hasPrefix($0) }) { return nil }
        guard let built = xmlBuildURI(cleaned, base) else { return nil }
        defer { releaseXML(built) }
        var result = String(cString: built)
        if !keepFragment, let hash = result.firstIndex(of: "#") { result = String(result[..<hash]) }
        return result
    }

    /// Trims, drops tabs and newlines, and percent-encodes what a URI may not contain.
    static func clean(_ href: String) -> String {
        var bytes = Array(href.utf8)
        while let first = bytes.first, first <= 0x20 { bytes.removeFirst() }
        while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in bytes where byte != 0x09 && byte != 0x0A && byte != 0x0D {
            if byte <= 0x20 || byte >= 0x7F || Self.illegal.contains(byte) {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let illegal: Set<UInt8> = Set("\"<>\\^`{|}".utf8)
}

extension StringProtocol {
    /// The string with whitespace runs (space, tab, CR, LF, form feed) collapsed to one space and
    /// both ends trimmed; byte by byte, since it runs on every title and Markdown text run.
    func collapsingWhitespace() -> String {
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var pendingSpace = false
        for byte in utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
