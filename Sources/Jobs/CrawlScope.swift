import PublicSuffix

/// Which links a job follows, relative to its seed URLs.
public enum CrawlScope: String, Sendable, CaseIterable {
    /// Only the seed's exact host (and port).
    case sameHost = "same_host"
    /// The seed's registrable domain and its subdomains (see `registrableDomain(of:)`).
    case sameDomain = "same_domain"
    /// Any http(s) URL.
    case any

    /// Whether `url` is in scope for a job whose seeds are `seeds`.
    public func allows(_ url: CrawlURL, seeds: [CrawlURL]) -> Bool {
        switch self {
        case .any:
            return true
        case .sameHost:
            return seeds.contains { $0.host == url.host && $0.port == url.port }
        case .sameDomain:
            let domain = Self.registrableDomain(of: url.host)
            return seeds.contains { Self.registrableDomain(of: $0.host) == domain }
        }
    }

    /// The registrable domain of `host` from the Public Suffix List (libpsl):
    /// `a.b.example.co.uk` -> `example.co.uk`, and `x.github.io` stays
    /// `x.github.io`, since `github.io` is a suffix anyone can register under.
    /// IP literals, single-label hosts and public suffixes are their own domain.
    public static func registrableDomain(of host: String) -> String {
        PublicSuffixList.shared.registrableDomain(of: host)
    }
}

/// A glob over the whole normalised URL, for a job's `include` / `exclude` lists.
///
/// Globs, not regular expressions: a client's pattern runs on every link of
/// every page, so it is compiled once and matched in linear time
/// (`WildcardPattern`). `*` matches any run of characters (including `/`),
/// `?` exactly one; everything else matches itself.
/// Example: `https://docs.example.org/api/*`, `*.pdf`, `*?page=*`.
public struct URLPattern: Sendable, Hashable, CustomStringConvertible {
    /// Patterns in one `include` or `exclude` list, at most.
    public static let maxCount = 100
    /// Bytes in one pattern, at most: 1 KiB covers any real URL glob and bounds
    /// each link's match to ~17 machine words per URL byte per pattern.
    public static let maxBytes = 1_024

    public let pattern: String
    private let matcher: WildcardPattern

    public init(_ pattern: String) {
        self.pattern = pattern
        self.matcher = WildcardPattern(pattern.utf8, anyOne: UInt8(ascii: "?"))
    }

    public var description: String { pattern }

    public static func == (a: URLPattern, b: URLPattern) -> Bool { a.pattern == b.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// Machine words one URL byte costs to match against this pattern.
    var wordsPerByte: Int { matcher.wordsPerByte }

    /// Whether the pattern matches all of `url`.
    public func matches(_ url: String) -> Bool {
        matcher.matches(url)
    }
}
