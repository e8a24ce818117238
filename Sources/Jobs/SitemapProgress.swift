import JSON

/// What a job's sitemap stage did, as `job.status` reports it under `sitemaps`.
///
/// Faults are counted by code, never fatal: a sitemap past the protocol's
/// limits, malformed, or not found still leaves the job crawling what it has.
public struct SitemapProgress: Sendable, Equatable {
    /// Sitemap files fetched and read (indexes included).
    public var files = 0
    /// Page URLs the sitemaps gave that passed `since`, scope and include/exclude.
    public var urls = 0
    /// Entries left out because their `lastmod` is before `since`.
    public var olderThanSince = 0
    /// Faults by code (`SitemapProblem`'s codes, `sitemap_fetch_failed`, `sitemap_too_deep`, ...).
    public var errors: [String: Int] = [:]
    /// Set once every sitemap was read; a job resumed before that reads them again.
    public var done = false

    public init() {}

    mutating func count(_ code: String) { errors[code, default: 0] += 1 }

    var json: JSONValue {
        var errorObject: JSONObject = [:]
        for (code, count) in errors.sorted(by: { $0.key < $1.key }) { errorObject[code] = .int(Int64(count)) }
        return [
            "files": .int(Int64(files)), "urls": .int(Int64(urls)), "older_than_since": .int(Int64(olderThanSince)),
            "errors": .object(errorObject), "done": .bool(done),
        ]
    }

    init(restoring o: JSONObject) {
        func int(_ key: String) -> Int { o[key]?.intValue.map { Int($0) } ?? 0 }
        files = int("files")
        urls = int("urls")
        olderThanSince = int("older_than_since")
        for (code, count) in o["errors"]?.objectValue ?? [:] { errors[code] = count.intValue.map { Int($0) } ?? 0 }
        done = o["done"]?.boolValue ?? false
    }
}
