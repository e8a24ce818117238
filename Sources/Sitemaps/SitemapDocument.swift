/// What one sitemap file holds: page URLs (`<urlset>`) or further sitemaps
/// (`<sitemapindex>`), each with its `lastmod` as written, and what went wrong.
///
/// A file that breaks a limit or the XML rules keeps the entries read before
/// the fault: a sitemap cut short still names real pages, and an operator
/// would rather crawl them than none (the fault is counted in `job.status`).
public struct SitemapDocument: Sendable, Equatable {
    /// The root element.
    public enum Kind: Sendable, Equatable {
        /// `<urlset>`: page URLs.
        case urlset
        /// `<sitemapindex>`: URLs of further sitemaps.
        case index
    }

    /// One `<url>` or `<sitemap>` element.
    public struct Entry: Sendable, Equatable {
        /// `<loc>`, trimmed.
        public var loc: String
        /// `<lastmod>` as written (a W3C datetime, see `W3CDate`), if any.
        public var lastmod: String?

        public init(loc: String, lastmod: String? = nil) {
            self.loc = loc
            self.lastmod = lastmod
        }
    }

    /// nil when the root is neither `urlset` nor `sitemapindex` (or no element was read).
    public var kind: Kind?
    public var entries: [Entry] = []
    public var problem: SitemapProblem?

    public init(kind: Kind? = nil, entries: [Entry] = [], problem: SitemapProblem? = nil) {
        self.kind = kind
        self.entries = entries
        self.problem = problem
    }
}

/// Why a sitemap file was not read to its end; the raw value is the code
/// `job.status` counts it under (docs/protocol.md).
public enum SitemapProblem: String, Sendable, Equatable {
    /// More than `SitemapParser.maxEntries` entries: the first ones are kept.
    case tooManyURLs = "sitemap_too_many_urls"
    /// More than `SitemapParser.maxBytes` uncompressed.
    case tooLarge = "sitemap_too_large"
    /// Not well-formed XML, or a corrupt or truncated gzip stream.
    case malformed = "sitemap_malformed"
    /// Well-formed, but the root is neither `urlset` nor `sitemapindex`.
    case notSitemap = "sitemap_not_sitemap"
}
