internal import CLibXML2
import Glibc

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
    ///
    /// Runs once per distinct link of every page, so the common href (already clean, no
    /// excluded scheme) is passed to libxml2 as it is, and the result is cut at its fragment
    /// before it becomes a `String`.
    static func resolve(_ href: String, against base: String?, keepFragment: Bool = false) -> String? {
        let cleaned = href.utf8.allSatisfy(isPlain) ? href : clean(href)
        if hasExcludedScheme(cleaned) { return nil }
        guard let built = xmlBuildURI(cleaned, base) else { return nil }
        defer { releaseXML(built) }
        var length = strlen(UnsafeRawPointer(built).assumingMemoryBound(to: CChar.self))
        if !keepFragment, let hash = memchr(built, Int32(UInt8(ascii: "#")), length) {
            length = UnsafeRawPointer(hash) - UnsafeRawPointer(built)
        }
        return String(decoding: UnsafeBufferPointer(start: built, count: length), as: UTF8.self)
    }

    /// `resolve(_:against:)` for the many hrefs of one page against one base, without libxml2 for
    /// the commonest relative href: a single path segment such as `sql-select.html`.
    ///
    /// `xmlBuildURI` parses the base again for every href, which was most of the cost of a
    /// page's links. A single segment (letters, digits, `-._~`, starting with a letter or digit,
    /// so never `.` or `..`) replaces the base's last path segment and its query, nothing else,
    /// and libxml2 writes those bytes as they are: so the result is the base's directory, as
    /// libxml2 itself resolves it for the segment `x`, followed by the href. Any other href takes
    /// the general path.
    struct Batch {
        let base: String?
        /// The base's directory with its trailing `/`; nil when the base gives none (no base, or
        /// one libxml2 does not resolve a segment against); computed at the first segment.
        private var directory: String??

        init(base: String?) {
            self.base = base
        }

        mutating func resolve(_ href: String) -> String? {
            guard isSingleSegment(href) else { return URLResolver.resolve(href, against: base) }
            if directory == nil { directory = Self.directory(of: base) }
            guard let prefix = directory ?? nil else { return URLResolver.resolve(href, against: base) }
            return prefix + href
        }

        private static func directory(of base: String?) -> String? {
            guard let base, let joined = URLResolver.resolve("x", against: base), joined.hasSuffix("/x") else { return nil }
            return String(joined.dropLast())
        }

        private func isSingleSegment(_ href: String) -> Bool {
            var bytes = href.utf8.makeIterator()
            guard let first = bytes.next(), Self.isAlphanumeric(first) else { return false }
            while let byte = bytes.next() {
                guard
                    Self.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                        || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
                else { return false }
            }
            return true
        }

        private static func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        }
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
            if isPlain(byte) {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `byte` may stand in a URI as it is: printable ASCII other than `"<>\^`{|}`.
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0x7F...0xFF: false
        case UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
            false
        default: true
        }
    }

    /// Whether `href` starts with one of `excludedSchemes`, in any case.
    private static func hasExcludedScheme(_ href: String) -> Bool {
        excludedSchemes.contains { scheme in
            href.utf8.count >= scheme.utf8.count
                && zip(href.utf8, scheme.utf8).allSatisfy { byte, expected in (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == expected }
        }
    }
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
