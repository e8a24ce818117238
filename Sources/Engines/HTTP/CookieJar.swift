import AsyncHTTPClient
import FoundationEssentials
import Synchronization

/// The cookies one HTTP engine has been given, sent back on later requests.
///
/// AsyncHTTPClient parses `Set-Cookie` (`HTTPClient.Cookie`) but keeps no
/// jar, so this is a deliberately small one, not a full RFC 6265 store:
/// - a cookie is keyed by (domain, path, name); a later one replaces it
///   and keeps its place in the order cookies are sent in;
/// - a cookie without `Domain` is stored for the host that set it; one with
///   `Domain` only when that host is the domain or under it; both are sent to
///   the domain and its subdomains. There is no host-only flag and no
///   public-suffix list, so a site may set a cookie for a parent domain; the
///   jar belongs to one engine, so such a cookie reaches only the sites that
///   engine fetches anyway;
/// - a cookie without `Path` gets `/`; a request path matches by prefix;
/// - `Secure` cookies go only over https; `Max-Age` ≤ 0 or an `Expires` in the
///   past deletes; a cookie found expired when a request is built is dropped;
/// - at most `capacity` cookies (default 1000); past it the oldest goes.
public final class CookieJar: Sendable {
    private struct Key: Hashable {
        var domain: String
        var path: String
        var name: String
    }

    private struct Entry {
        var value: String
        var secure: Bool
        var expires: Date?
        var order: UInt64
    }

    private struct Store {
        var entries: [Key: Entry] = [:]
        var counter: UInt64 = 0
        var bytes = 0
    }

    private let store = Mutex(Store())
    private let capacity: Int

    public init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    /// Stores the cookies of `setCookieHeaders`, received from `host`.
    public func store(setCookieHeaders: [String], host: String, now: Date = Date()) {
        let host = host.lowercased()
        for header in setCookieHeaders {
            guard let cookie = HTTPClient.Cookie(header: header, defaultDomain: host) else { continue }
            let domain = cookie.domain ?? host
            guard Self.domain(host, isWithin: domain) else { continue }
            let key = Key(domain: domain, path: cookie.path, name: cookie.name)
            let expires = cookie.maxAge.map { now.addingTimeInterval(TimeInterval($0)) } ?? cookie.expires
            store.withLock { store in
                let old = store.entries.removeValue(forKey: key)
                if let old { store.bytes -= Self.size(key, old) }
                if let expires, expires <= now { return }
                store.counter += 1
                let order = old?.order ?? store.counter
                let entry = Entry(value: cookie.value, secure: cookie.secure, expires: expires, order: order)
                store.entries[key] = entry
                store.bytes += Self.size(key, entry)
                if store.entries.count > capacity, let oldest = store.entries.min(by: { $0.value.order < $1.value.order }) {
                    store.entries[oldest.key] = nil
                    store.bytes -= Self.size(oldest.key, oldest.value)
                }
            }
        }
    }

    /// The `Cookie` header value for a request, or nil when no cookie applies.
    /// Longer paths come first, as RFC 6265 asks.
    public func cookieHeader(host: String, path: String, secure: Bool, now: Date = Date()) -> String? {
        let host = host.lowercased()
        let path = path.isEmpty ? "/" : path
        let matching = store.withLock { store in
            for (key, entry) in store.entries where entry.expires.map({ $0 <= now }) ?? false {
                store.entries[key] = nil
                store.bytes -= Self.size(key, entry)
            }
            return store.entries.filter { key, entry in
                (!entry.secure || secure) && Self.domain(host, isWithin: key.domain) && Self.path(path, matches: key.path)
            }
        }
        guard !matching.isEmpty else { return nil }
        return matching.sorted { ($0.key.path.count, $1.value.order) > ($1.key.path.count, $0.value.order) }
            .map { "\($0.key.name)=\($0.value.value)" }
            .joined(separator: "; ")
    }

    /// How many cookies are stored.
    public var count: Int { store.withLock { $0.entries.count } }

    /// Bytes the stored names, values, domains and paths take, plus 64 per entry.
    public var approximateBytes: Int { store.withLock { $0.bytes } }

    // MARK: - Matching

    private static func domain(_ host: String, isWithin domain: String) -> Bool {
        host == domain || (host.hasSuffix(domain) && host.dropLast(domain.count).hasSuffix("."))
    }

    private static func path(_ requestPath: String, matches cookiePath: String) -> Bool {
        guard requestPath.hasPrefix(cookiePath) else { return false }
        return requestPath.count == cookiePath.count || cookiePath.hasSuffix("/")
            || requestPath.dropFirst(cookiePath.count).first == "/"
    }

    private static func size(_ key: Key, _ entry: Entry) -> Int {
        64 + key.domain.utf8.count + key.path.utf8.count + key.name.utf8.count + entry.value.utf8.count
    }
}
