import AsyncHTTPClient
import FoundationEssentials
import PublicSuffix
import Synchronization

/// The cookies one client (a connection, a job) has been given, sent back on
/// its later requests; see `CookieSharing` for who owns which jar.
///
/// AsyncHTTPClient parses `Set-Cookie` (`HTTPClient.Cookie`) but keeps no
/// jar, so this is a small RFC 6265 store:
/// - a cookie is keyed by (domain, path, name); a later one replaces it
///   and keeps its place in the order cookies are sent in;
/// - a cookie without `Domain` is host-only: sent back to exactly the host
///   that set it (§5.3 step 6). A `Domain` is refused unless libpsl accepts it
///   for the host (`PublicSuffixList.isCookieDomain`): the host must be the
///   domain or under it, the domain must not be a public suffix (`com`,
///   `co.uk`, `github.io`) unless it is the host itself, and an IP address
///   host accepts only its own address. A domain cookie goes to the domain
///   and its subdomains; an IP address host gets only cookies set for exactly
///   that address;
/// - a cookie without a valid `Path` gets the default path of the request
///   that set it (§5.1.4: its directory); a request path matches by prefix
///   at a `/` boundary;
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
        var hostOnly: Bool
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

    /// Stores the cookies of `setCookieHeaders`, received from `host` for a
    /// request to `path`; cookies whose `Domain` the host may not set are ignored.
    public func store(setCookieHeaders: [String], host: String, path: String, now: Date = Date()) {
        let host = host.lowercased()
        for header in setCookieHeaders {
            // An empty default domain tells a cookie without `Domain` (host-only) from one with it.
            guard let cookie = HTTPClient.Cookie(header: header, defaultDomain: ""), let given = cookie.domain else { continue }
            guard given.isEmpty || PublicSuffixList.shared.isCookieDomain(given, acceptableFor: host) else { continue }
            // Host-only too: a cookie an IP address sets (its `Domain` can only be that
            // address), and one a public suffix sets for itself (§5.3 step 5).
            let hostOnly =
                given.isEmpty || PublicSuffixList.isIPAddress(host)
                || (given == host && PublicSuffixList.shared.isPublicSuffix(given))
            let domain = given.isEmpty ? host : given
            let cookiePath = Self.hasPath(header) ? cookie.path : Self.defaultPath(of: path)
            let key = Key(domain: domain, path: cookiePath, name: cookie.name)
            let expires = cookie.maxAge.map { now.addingTimeInterval(TimeInterval($0)) } ?? cookie.expires
            store.withLock { store in
                let old = store.entries.removeValue(forKey: key)
                if let old { store.bytes -= Self.size(key, old) }
                if let expires, expires <= now { return }
                store.counter += 1
                let order = old?.order ?? store.counter
                let entry = Entry(value: cookie.value, hostOnly: hostOnly, secure: cookie.secure, expires: expires, order: order)
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
        let matching: [Key: Entry]? = store.withLock { store in
            guard !store.entries.isEmpty else { return nil }
            for (key, entry) in store.entries where entry.expires.map({ $0 <= now }) ?? false {
                store.entries[key] = nil
                store.bytes -= Self.size(key, entry)
            }
            let isIP = PublicSuffixList.isIPAddress(host)
            return store.entries.filter { key, entry in
                (!entry.secure || secure) && Self.host(host, isIP: isIP, matches: key.domain, hostOnly: entry.hostOnly)
                    && Self.path(path, matches: key.path)
            }
        }
        guard let matching, !matching.isEmpty else { return nil }
        return matching.sorted { ($0.key.path.count, $1.value.order) > ($1.key.path.count, $0.value.order) }
            .map { "\($0.key.name)=\($0.value.value)" }
            .joined(separator: "; ")
    }

    /// How many cookies are stored.
    public var count: Int { store.withLock { $0.entries.count } }

    /// Bytes the stored names, values, domains and paths take, plus 64 per entry.
    public var approximateBytes: Int { store.withLock { $0.bytes } }

    // MARK: - Matching (RFC 6265 §5.1.3, §5.1.4)

    private static func host(_ host: String, isIP: Bool, matches domain: String, hostOnly: Bool) -> Bool {
        if host == domain { return true }
        if hostOnly || isIP { return false }
        return host.hasSuffix(domain) && host.dropLast(domain.count).hasSuffix(".")
    }

    private static func path(_ requestPath: String, matches cookiePath: String) -> Bool {
        guard requestPath.hasPrefix(cookiePath) else { return false }
        return requestPath.count == cookiePath.count || cookiePath.hasSuffix("/")
            || requestPath.dropFirst(cookiePath.count).first == "/"
    }

    /// The directory of the request path: `/docs/a/page` -> `/docs/a`, `/page` -> `/`.
    static func defaultPath(of requestPath: String) -> String {
        guard requestPath.hasPrefix("/"), let slash = requestPath.lastIndex(of: "/"), slash != requestPath.startIndex else { return "/" }
        return String(requestPath[..<slash])
    }

    /// Whether the header's last `Path` attribute is valid (starts with `/`): AsyncHTTPClient
    /// turns a missing or invalid one into `/`, where RFC 6265 wants the default path.
    private static func hasPath(_ header: String) -> Bool {
        var valid = false
        for attribute in header.split(separator: ";").dropFirst() {
            let text = attribute.filter { $0 != " " && $0 != "\t" }.lowercased()
            guard text == "path" || text.hasPrefix("path=") else { continue }
            valid = text.hasPrefix("path=/")
        }
        return valid
    }

    private static func size(_ key: Key, _ entry: Entry) -> Int {
        64 + key.domain.utf8.count + key.path.utf8.count + key.name.utf8.count + entry.value.utf8.count
    }
}
