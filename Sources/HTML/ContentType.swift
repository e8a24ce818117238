/// A parsed `Content-Type` header value: the media type and its `charset` parameter.
///
/// Parsing is lenient (servers send all sorts): the media type is lowercased and trimmed, a
/// quoted charset is unquoted, unknown parameters are ignored. An empty or missing header gives
/// an empty `mediaType`, which `BodyKind.classify` treats as "unknown, sniff the bytes".
public struct ContentType: Hashable, Sendable {
    /// `type/subtype`, lowercased, e.g. `text/html`; empty when the header is missing.
    public let mediaType: String
    /// The `charset` parameter as sent (trimmed, unquoted, lowercased), if any.
    public let charset: String?

    /// Parses a header value such as `text/html; charset="UTF-8"`.
    public init(_ header: String?) {
        guard let header else {
            mediaType = ""
            charset = nil
            return
        }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        mediaType = parts.first.map { Self.trimmed($0).lowercased() } ?? ""
        var charset: String?
        for parameter in parts.dropFirst() {
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            guard Self.trimmed(parameter[..<equals]).lowercased() == "charset" else { continue }
            var value = Self.trimmed(parameter[parameter.index(after: equals)...])
            value = value.trimmingQuotes()
            if !value.isEmpty { charset = value.lowercased() }
            break
        }
        self.charset = charset
    }

    /// Whether the media type says HTML or XHTML.
    public var isHTML: Bool { mediaType == "text/html" || mediaType == "application/xhtml+xml" }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    /// The string without one pair of surrounding single or double quotes.
    func trimmingQuotes() -> String {
        guard count >= 2, let first, let last, first == last, first == "\"" || first == "'" else { return self }
        return String(dropFirst().dropLast())
    }
}
