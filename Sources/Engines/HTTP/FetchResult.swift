/// One fetched page: what the last response of the redirect chain said, and its body.
///
/// An HTTP error status (404, 500) is a result, not an error: crawld answers
/// `ok: true` with that status.
public struct FetchResult: Sendable {
    /// The URL asked for.
    public var url: String
    /// The URL of the response after every redirect; `url` when there was none.
    public var finalURL: String
    /// The URLs redirected to, in order (empty when there was no redirect).
    public var redirects: [String]
    public var status: Int
    public var headers: ResponseHeaders
    /// The body, decompressed when the engine decompresses.
    public var body: [UInt8]
    public var timing: FetchTiming

    public init(url: String, finalURL: String, redirects: [String], status: Int, headers: ResponseHeaders, body: [UInt8], timing: FetchTiming) {
        self.url = url
        self.finalURL = finalURL
        self.redirects = redirects
        self.status = status
        self.headers = headers
        self.body = body
        self.timing = timing
    }

    /// The `Content-Type` header as sent (`text/html; charset=utf-8`), if any.
    public var contentType: String? { headers.first("content-type") }

    /// The media type alone, lower-cased (`text/html`), if there is a `Content-Type`.
    public var mediaType: String? {
        guard let contentType else { return nil }
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return String(essence.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()).lowercased()
    }

    /// Body bytes received (after decompression): the wire's `bytes`.
    public var byteCount: Int { body.count }
}

/// How long a fetch took, from the call to `fetch`.
///
/// AsyncHTTPClient does not report when a connection was opened (a reused
/// keep-alive connection has no connect phase at all), so `firstByte`, the
/// time until the final response's head arrived, includes any DNS, connect
/// and TLS time, and every redirect before it.
public struct FetchTiming: Sendable, Hashable {
    public var firstByte: Duration
    public var total: Duration

    public init(firstByte: Duration, total: Duration) {
        self.firstByte = firstByte
        self.total = total
    }
}

/// Response header fields in the order received; names compare without case.
public struct ResponseHeaders: Sendable, Hashable, Sequence {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }

    /// Every value of `name`, in order (`Set-Cookie` may come many times).
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// The first value of `name`.
    public func first(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension String {
    /// Equal but for the case of ASCII letters, as HTTP compares field names
    /// (tokens, ASCII by RFC 9110); compared byte by byte, since lower-casing
    /// both strings for every field a page looks up made new strings each time.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8) { Self.lowercasedASCII($0) == Self.lowercasedASCII($1) }
    }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
