/// What an earlier response of a URL said about its version, sent back so the
/// server can answer `304 Not Modified` instead of the body (RFC 9110 13.1):
/// `If-None-Match` with the entity tag, `If-Modified-Since` with the date.
public struct RequestValidators: Sendable, Equatable {
    /// The earlier `ETag`, as sent (quotes and `W/` included).
    public var etag: String?
    /// The earlier `Last-Modified`, as sent (an HTTP date).
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    /// The request headers; an ETag or a date that could split a header (CR, LF, NUL) is left out.
    var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let etag, Self.isSafe(etag) { headers.append(("if-none-match", etag)) }
        if let lastModified, Self.isSafe(lastModified) { headers.append(("if-modified-since", lastModified)) }
        return headers
    }

    private static func isSafe(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 1024 && !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
