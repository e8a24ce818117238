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

    /// Normalises `text`, or returns nil when it is not an absolute http(s) URL with a host.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingWhitespace())
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let scheme = rest[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        rest = rest[rest.index(after: colon)...]
        guard rest.hasPrefix("//") else { return nil }
        rest = rest.dropFirst(2)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let authority = Self.authority(rest[..<authorityEnd], scheme: scheme) else { return nil }
        var tail = rest[authorityEnd...]
        var query: Substring?
        if let q = tail.firstIndex(of: "?") {
            query = tail[tail.index(after: q)...]
            tail = tail[..<q]
        }
        let path = Self.removeDotSegments(Self.normaliseEscapes(tail.isEmpty ? "/" : tail))
        self.scheme = scheme
        self.host = authority.host
        self.port = authority.port
        var s = scheme + "://" + authority.userinfo + authority.host
        if let port = authority.port { s += ":\(port)" }
        let pathAndQuery = query.map { path + "?" + Self.normaliseEscapes($0) } ?? path
        self.pathAndQuery = pathAndQuery
        self.string = s + pathAndQuery
    }

    /// `scheme://host[:port]`: the key for robots.txt and per-host politeness.
    public var origin: String {
        port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    public var description: String { string }

    // MARK: - Parts

    private static func authority(_ text: Substring, scheme: String) -> (userinfo: String, host: String, port: Int?)? {
        var hostPort = text
        var userinfo = ""
        if let at = text.lastIndex(of: "@") {
            userinfo = String(text[...at])
            hostPort = text[text.index(after: at)...]
        }
        var hostPart = hostPort
        var portText: Substring = ""
        let bracketEnd = hostPort.lastIndex(of: "]")
        if let colon = hostPort.lastIndex(of: ":"), bracketEnd.map({ colon > $0 }) ?? true {
            hostPart = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        let host = hostPart.lowercased()
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") }) else { return nil }
        var port: Int?
        if !portText.isEmpty {
            guard portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(portText), value <= 65535
            else { return nil }
            port = value
        }
        if port == (scheme == "http" ? 80 : 443) { port = nil }
        return (userinfo, host, port)
    }

    /// Upper-cases escape hex, decodes escaped unreserved characters, encodes bytes URLs may not hold raw.
    static func normaliseEscapes(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                let decoded = hi << 4 | lo
                if isUnreserved(decoded) {
                    out.append(decoded)
                } else {
                    out.append(contentsOf: [b, hexDigit(hi), hexDigit(lo)])
                }
                i += 3
                continue
            }
            if mustEscape[Int(b)] {
                out.append(contentsOf: [UInt8(ascii: "%"), hexDigit(b >> 4), hexDigit(b & 0xF)])
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 section 5.2.4, on a path that starts with `/`.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

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
