import JSON
import Sitemaps

extension JobSpec {
    /// Where a job reads sitemaps before it crawls.
    public enum SitemapSource: Sendable, Equatable {
        case none
        /// `sitemaps: true`: each seed origin's robots.txt `Sitemap:` lines and its `/sitemap.xml`.
        case discover
        /// `sitemaps: [urls]`: these sitemaps (or indexes) only.
        case urls([CrawlURL])
    }

    /// Sitemap URLs one job may name.
    public static let maxSitemapURLs = 100

    static func sitemapSource(_ value: JSONValue?) throws(JobError) -> SitemapSource {
        switch value {
        case nil, .bool(false)?: return .none
        case .bool(true)?: return .discover
        case .string(let one)?: return .urls([try sitemapURL(one, field: "sitemaps")])
        case .array(let items)?:
            guard !items.isEmpty, items.count <= maxSitemapURLs else {
                throw JobError(.badRequest, "'sitemaps' must list 1 to \(maxSitemapURLs) URLs, got \(items.count)", field: "sitemaps")
            }
            var urls: [CrawlURL] = []
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    throw JobError(.badRequest, "'sitemaps[\(index)]' must be a string, got \(item.typeName)", field: "sitemaps[\(index)]")
                }
                urls.append(try sitemapURL(text, field: "sitemaps[\(index)]"))
            }
            return .urls(urls)
        case let other?:
            throw JobError(.badRequest, "'sitemaps' must be true, false or a list of URLs, got \(other.typeName)", field: "sitemaps")
        }
    }

    private static func sitemapURL(_ text: String, field: String) throws(JobError) -> CrawlURL {
        guard let url = CrawlURL(text) else {
            throw JobError(.invalidURL, "'\(field)' must be an absolute http or https URL, got '\(text.prefix(200))'", field: field)
        }
        return url
    }

    /// `since`: a W3C datetime (`2026-01-01`, `2026-01-01T12:00:00Z`), as seconds since 1970; only with `sitemaps`.
    static func since(_ value: JSONValue?, sitemaps: SitemapSource) throws(JobError) -> Int64? {
        guard let value else { return nil }
        guard let text = value.stringValue, let seconds = W3CDate.seconds(text) else {
            throw JobError(.badRequest, "'since' must be a date such as \"2026-01-01\" or \"2026-01-01T12:00:00Z\"", field: "since")
        }
        guard sitemaps != .none else { throw JobError(.badRequest, "'since' filters sitemap entries: add sitemaps: true", field: "since") }
        return seconds
    }
}
