/// An absolute http(s) URL in the normal form used to dedupe a job's pages.
///
/// Two links that name the same resource must give the same `string`, or a
/// job fetches the page twice and writes it twice. Normalisation (RFC 3986
/// section 6.2.2, plus the usual crawler rules):
/// - scheme and host lowercased; the default port (80 for http, 443 for https) removed;
/// - an empty path becomes `/`; `.` and `..` segments are resolved;
/// - percent escapes get upper-case hex, and escapes of unreserved characters are decoded;
/// - bytes a URL may not hold raw (spaces, controls, non-ASCII, `"<>\^`{|}`) are percent-encoded;
/// - the fragment is dropped (it never reaches the server); the query is kept as it is.
///
/// Userinfo, when present, is kept verbatim. Relative links are resolved before
/// they get here (the HTML module makes links absolute).
public struct CrawlURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// The lowercased host (an IPv6 literal keeps its brackets).
    public let host: String
    /// The port when it is not the scheme's default.
    public let port: Int?
    /// The normal form, e.g. `https://example.org/a/b?q=1`.
    public let string: String
    /// The normalised path and query, e.g. `/a/b?q=1`: what robots.txt rules match.
    public let pathAndQuery: String

    /// The longest URL accepted, in bytes, before and after normalisation: 8 KiB,
    /// nginx's default request-line limit, so few servers answer longer ones,
    /// and each URL is matched against robots.txt rules and include/exclude
    /// patterns in time proportional to its length.
    public static let maxBytes = 8_192

    /// Normalises `text`, or returns nil when it is not an absolute http(s) URL
    /// with a host, or is longer than `maxBytes`.
    ///
    /// Works on UTF-8 bytes, not Characters: a job parses every link of every
    /// page, and grapheme-aware String operations cost ten times more.
    public init?(_ text: String) {
        guard text.utf8.count <= Self.maxBytes else { return nil }
        let bytes = Array(text.utf8)
        var lo = 0
        var hi = bytes.count
        while lo < hi, Self.isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, Self.isSpace(bytes[hi - 1]) { hi -= 1 }
        guard let colon = bytes[lo..<hi].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let schemeBytes = bytes[lo..<colon].map(Self.lowercase)
        let isHTTPS = schemeBytes.elementsEqual("https".utf8)
        guard isHTTPS || schemeBytes.elementsEqual("http".utf8) else { return nil }
        let slash = UInt8(ascii: "/")
        guard colon + 2 < hi, bytes[colon + 1] == slash, bytes[colon + 2] == slash else { return nil }
        let end = bytes[(colon + 3)..<hi].firstIndex(of: UInt8(ascii: "#")) ?? hi
        let authorityEnd = bytes[(colon + 3)..<end].firstIndex(where: { $0 == slash || $0 == UInt8(ascii: "?") }) ?? end
        let scheme = isHTTPS ? "https" : "http"
        guard let authority = Self.authority(bytes[(colon + 3)..<authorityEnd], defaultPort: isHTTPS ? 443 : 80) else { return nil }
        let queryMark = bytes[authorityEnd..<end].firstIndex(of: UInt8(ascii: "?"))
        let pathBytes = bytes[authorityEnd..<(queryMark ?? end)]
        var tail = Self.removeDotSegments(Self.normaliseEscapes(pathBytes.isEmpty ? [slash][...] : pathBytes))
        if let queryMark {
            tail.append(UInt8(ascii: "?"))
            tail.append(contentsOf: Self.normaliseEscapes(bytes[(queryMark + 1)..<end]))
        }
        self.scheme = scheme
        self.host = authority.host
        self.port = authority.port
        let pathAndQuery = String(decoding: tail, as: UTF8.self)
        var s = scheme + "://" + authority.userinfo + authority.host
        if let port = authority.port { s += ":\(port)" }
        guard s.utf8.count + pathAndQuery.utf8.count <= Self.maxBytes else { return nil }
        self.pathAndQuery = pathAndQuery
        self.string = s + pathAndQuery
    }

    /// `scheme://host[:port]`: the key for robots.txt and per-host politeness.
    public var origin: String {
        port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    public var description: String { string }

    // MARK: - Parts

    private static func authority(_ text: ArraySlice<UInt8>, defaultPort: Int) -> (userinfo: String, host: String, port: Int?)? {
        var hostPort = text
        var userinfo = ""
        if let at = text.lastIndex(of: UInt8(ascii: "@")) {
            userinfo = String(decoding: text[...at], as: UTF8.self)
            hostPort = text[(at + 1)...]
        }
        var hostPart = hostPort
        var portText: ArraySlice<UInt8> = []
        let bracketEnd = hostPort.lastIndex(of: UInt8(ascii: "]"))
        if let colon = hostPort.lastIndex(of: UInt8(ascii: ":")), bracketEnd.map({ colon > $0 }) ?? true {
            hostPart = hostPort[..<colon]
            portText = hostPort[(colon + 1)...]
        }
        guard !hostPart.isEmpty, hostPart.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") }) else { return nil }
        // `:`, `[` and `]` belong in a host only as an IPv6 literal: `[::1]:443s:` once gave the
        // host `[::1]:443s`, whose normal form did not parse again (found by Fuzz/URLFuzz.swift).
        let isLiteral = hostPart.first == UInt8(ascii: "[") && hostPart.last == UInt8(ascii: "]")
        guard isLiteral || !hostPart.contains(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }) else {
            return nil
        }
        let host = String(decoding: hostPart.map(lowercase), as: UTF8.self)
        var port: Int?
        if !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let value = portText.reduce(0) { $0 * 10 + Int($1 - 48) }
            guard value <= 65535 else { return nil }
            port = value
        }
        if port == defaultPort { port = nil }
        return (userinfo, host, port)
    }

    /// Upper-cases escape hex, decodes escaped unreserved characters, encodes bytes URLs may not hold raw.
    static func normaliseEscapes(_ text: Substring) -> String {
        String(decoding: normaliseEscapes(Array(text.utf8)[...]), as: UTF8.self)
    }

    static func normaliseEscapes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                let decoded = hi << 4 | lo
                if isUnreserved(decoded) {
                    out.append(decoded)
                } else {
                    out.append(b)
                    out.append(hexDigit(hi))
                    out.append(hexDigit(lo))
                }
                i += 3
                continue
            }
            if mustEscape[Int(b)] {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0xF))
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    /// RFC 3986 section 5.2.4, on a path that starts with `/`.
    static func removeDotSegments(_ path: [UInt8]) -> [UInt8] {
        let dot = UInt8(ascii: ".")
        var output: [ArraySlice<UInt8>] = []
        let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()
        guard segments.contains(where: { $0.first == dot && ($0.count == 1 || ($0.count == 2 && $0.last == dot)) }) else { return path }
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            if segment.count == 1, segment.first == dot {
                if isLast { output.append([]) }
            } else if segment.count == 2, segment.first == dot, segment.last == dot {
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append([]) }
            } else {
                output.append(segment)
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(path.count)
        for segment in output {
            result.append(UInt8(ascii: "/"))
            result.append(contentsOf: segment)
        }
        return result.isEmpty ? [UInt8(ascii: "/")] : result
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private static func lowercase(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x41 + v - 10 }

    /// Bytes a URL may not hold raw: controls, space, non-ASCII, `%` not starting an escape, `"<>\^`{|}`.
    private static let mustEscape: [Bool] = (0...255).map { b in
        b <= 0x20 || b >= 0x7F || "%\"<>\\^`{|}".utf8.contains(UInt8(b))
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII whitespace (no Foundation needed).
    func trimmingWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}
