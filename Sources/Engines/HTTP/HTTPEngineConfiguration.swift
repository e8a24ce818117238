import JSON

/// The settings of one HTTP engine (one `HTTPClient` with its connections and cookies).
///
/// Keys, defaults and ranges:
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `user_agent` | string | `crawld/0.1` | sent as `User-Agent` |
/// | `headers` | object of strings | `{}` | extra request headers; names are lower-cased |
/// | `timeout_ms` | integer | 30000 | 1 ... 600000; the whole fetch, redirects and body included |
/// | `connect_timeout_ms` | integer | 10000 | 1 ... 600000; opening one connection |
/// | `follow_redirects` | boolean | true | |
/// | `max_redirects` | integer | 10 | 0 ... 100 |
/// | `max_body_bytes` | integer | 10485760 | 1 ... 1073741824; after decompression |
/// | `proxy` | string or null | null | `http://host:port` (CONNECT for https) or `socks5://host:port` |
/// | `verify_tls` | boolean | true | false accepts any certificate |
/// | `decompression` | boolean | true | asks for and inflates gzip/deflate |
/// | `cookies` | string | `client` | `client`: each connection and job keeps its own jar; `shared`: one jar per engine (see `CookieSharing`) |
///
/// `headers` may not set what the engine manages itself: `host`,
/// `content-length`, `transfer-encoding`, `connection` and `user-agent` (use
/// `user_agent`).
public struct HTTPEngineConfiguration: EngineConfiguration {
    public static let kind = "http"

    public static let defaultUserAgent = "crawld/0.1"

    public var userAgent = Self.defaultUserAgent
    /// Extra request headers, names lower-cased.
    public var headers: [String: String] = [:]
    public var timeoutMilliseconds = 30_000
    public var connectTimeoutMilliseconds = 10_000
    public var followRedirects = true
    public var maxRedirects = 10
    public var maxBodyBytes = 10 * 1024 * 1024
    public var proxy: HTTPProxy?
    public var verifyTLS = true
    public var decompression = true
    public var cookies = CookieSharing.client

    /// The default configuration: what a request without a config gets.
    public init() {}

    public init(json: JSONValue?) throws(EngineError) {
        var reader = try EngineConfigurationReader(json, kind: Self.kind)
        userAgent = try reader.string("user_agent", default: Self.defaultUserAgent)
        if let problem = Self.headerValueProblem(userAgent) { throw reader.error("user_agent", problem) }
        let rawHeaders = try reader.stringMap("headers")
        headers = try Self.normalisedHeaders(rawHeaders, reader: reader)
        timeoutMilliseconds = try reader.int("timeout_ms", default: timeoutMilliseconds, range: 1...600_000)
        connectTimeoutMilliseconds = try reader.int("connect_timeout_ms", default: connectTimeoutMilliseconds, range: 1...600_000)
        followRedirects = try reader.bool("follow_redirects", default: followRedirects)
        maxRedirects = try reader.int("max_redirects", default: maxRedirects, range: 0...100)
        maxBodyBytes = try reader.int("max_body_bytes", default: maxBodyBytes, range: 1...1 << 30)
        if let text = try reader.optionalString("proxy") {
            guard let parsed = HTTPProxy(text) else {
                throw reader.error("proxy", "must look like http://host:port or socks5://host:port, got '\(text)'")
            }
            proxy = parsed
        }
        verifyTLS = try reader.bool("verify_tls", default: verifyTLS)
        decompression = try reader.bool("decompression", default: decompression)
        let sharing = try reader.string("cookies", default: cookies.rawValue)
        guard let parsed = CookieSharing(rawValue: sharing) else {
            throw reader.error("cookies", "must be \"client\" or \"shared\", got '\(sharing)'")
        }
        cookies = parsed
        try reader.finish()
    }

    public var canonicalJSON: JSONValue {
        var object: JSONObject = [
            "user_agent": .string(userAgent),
            "headers": .object(JSONObject(uniqueKeysWithValues: headers.map { ($0.key, JSONValue.string($0.value)) })),
            "timeout_ms": .int(Int64(timeoutMilliseconds)),
            "connect_timeout_ms": .int(Int64(connectTimeoutMilliseconds)),
            "follow_redirects": .bool(followRedirects),
            "max_redirects": .int(Int64(maxRedirects)),
            "max_body_bytes": .int(Int64(maxBodyBytes)),
            "proxy": proxy.map { .string($0.description) } ?? .null,
            "verify_tls": .bool(verifyTLS),
            "decompression": .bool(decompression),
        ]
        // Written only when not the default, so the signatures of existing configs stay as they were.
        if cookies != .client { object["cookies"] = .string(cookies.rawValue) }
        return JSONValue.object(object).sortingKeys()
    }

    public var timeout: Duration { .milliseconds(timeoutMilliseconds) }
    public var connectTimeout: Duration { .milliseconds(connectTimeoutMilliseconds) }

    // MARK: - Header checks

    private static let managedHeaders: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "user-agent"]

    private static func normalisedHeaders(_ raw: [String: String], reader: EngineConfigurationReader) throws(EngineError) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in raw {
            let lowered = name.lowercased()
            guard !lowered.isEmpty, lowered.utf8.allSatisfy(isTokenByte) else {
                throw reader.error("headers", "has an invalid header name '\(name)'")
            }
            guard !managedHeaders.contains(lowered) else {
                throw reader.error("headers", "may not set '\(lowered)'" + (lowered == "user-agent" ? " (use 'user_agent')" : " (the engine sets it)"))
            }
            if let problem = headerValueProblem(value) { throw reader.error("headers", "'\(name)' \(problem)") }
            guard headers.updateValue(value, forKey: lowered) == nil else {
                throw reader.error("headers", "sets '\(lowered)' twice (header names ignore case)")
            }
        }
        return headers
    }

    private static func headerValueProblem(_ value: String) -> String? {
        value.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 } ? "may not contain CR, LF or NUL" : nil
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// Whose cookies a request of an HTTP engine sends and keeps.
///
/// `client` (the default): the jar of the connection or job the request is
/// for (`CrawlRequest.cookies`), so one client's session cookies never go out
/// on another client's requests, even on the shared permanent engine.
/// `shared`: the engine's own jar, shared by every request that engine serves,
/// for an operator who wants a logged-in engine config in policies.lua. A
/// client may ask for it in its own `config` too; it then shares cookies only
/// with the requests that ask for the same engine config.
public enum CookieSharing: String, Sendable {
    case client, shared
}

/// A proxy the HTTP engine sends every request through.
public struct HTTPProxy: Hashable, Sendable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case http, socks5 }
    public var scheme: Scheme
    public var host: String
    public var port: Int

    /// Parses `http://host:port` or `socks5://host:port` (port required, no
    /// path; an IPv6 host in brackets, kept without them in `host`).
    public init?(_ text: String) {
        guard let separator = text.firstRange(of: "://"),
            let scheme = Scheme(rawValue: text[..<separator.lowerBound].lowercased())
        else { return nil }
        let authority = text[separator.upperBound...]
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]),
            (1...65_535).contains(port)
        else { return nil }
        var host = authority[..<colon].lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("/"), !host.contains("@"), !host.contains("[") else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    public var description: String {
        "\(scheme.rawValue)://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }
}
