import Crawl
import JSON
import Pool

/// A validated `job.submit`: what to crawl, how far, how politely, and where to write.
///
/// Built only through `init(parameters:)`, which checks every field and names
/// the one at fault, so the runner never meets a bad value. The original
/// parameters are kept (`parameters`) so that a checkpoint can store them and a
/// resumed job re-validates through the same path.
public struct JobSpec: Sendable, Equatable {
    /// How `watch` streams events.
    public enum WatchMode: Sendable, Equatable {
        /// No streaming: `job.submit` answers with the job id at once.
        case none
        /// `progress` events (at most one per 500 ms), then the summary.
        case progress
        /// `progress` and one `page` event per page written.
        case pages
    }

    public var seeds: [CrawlURL]
    public var followLinks: Bool = true
    public var scope: CrawlScope = .sameHost
    public var include: [URLPattern] = []
    public var exclude: [URLPattern] = []
    public var maxPages: Int = 1000
    /// Seeds have depth 0; a link found on a depth-d page has depth d + 1.
    public var maxDepth: Int = 10
    /// The job's own floor for the delay between requests to one host.
    public var delayMs: Int = 0
    /// Retries after the first attempt of a page.
    public var maxRetries: Int = 2
    /// Pages of this job in flight at once (also bounded by the global cap).
    public var concurrency: Int = 4
    /// `http` or `browser`; nil lets policies.lua choose per URL.
    public var engine: String?
    /// The engine config object, handed to the crawl path as is.
    public var config: JSONObject?
    public var extract: Bool = true
    /// Representations each record carries besides `links` (`text`, `markdown`, `fit_markdown`).
    public var formats: Set<CrawlRequest.Format> = []
    /// Filters each record's `fit_markdown` to the blocks relevant to it.
    public var query: String?
    /// The output path relative to `--output-dir`; nil means `<job id>.jsonl`.
    public var output: String?
    /// `output.redis_stream`: the Redis stream each record is also appended to.
    public var stream: StreamSinkSpec?
    /// `webhook`: where the job's events are POSTed.
    public var webhook: WebhookSpec?
    public var overwrite: Bool = false
    public var obeyRobots: Bool = true
    public var watch: WatchMode = .none
    /// A cluster job: its frontier lives in Redis and every instance with `--cluster-jobs` crawls it.
    public var cluster: Bool = false
    /// Sitemaps read before the crawl, their page URLs queued like seeds (`JobRunner+Sitemaps`).
    public var sitemaps: SitemapSource = .none
    /// Sitemap entries whose `lastmod` is before this (seconds since 1970 UTC) are left out.
    public var since: Int64?
    /// The earlier job this one recrawls (`JobSpec+Recrawl`).
    public var recrawlOf: String?
    /// Recrawl against the earlier file at `output`.
    public var recrawl = false
    /// Write only records whose `change` is not `unchanged`.
    public var changesOnly = false
    /// The earlier output a recrawl compares with, relative to `--output-dir`.
    public var previousOutput: String?
    /// The parameters this spec was built from (without `id` and `op`).
    public internal(set) var parameters: JSONObject

    /// The keys `job.submit` accepts besides `id` and `op`.
    public static let keys: Set<String> = [
        "urls", "follow_links", "scope", "include", "exclude", "max_pages", "max_depth", "delay_ms", "max_retries",
        "concurrency", "engine", "config", "extract", "output", "overwrite", "obey_robots", "watch", "cluster", "formats", "query",
        "webhook",
        "sitemaps", "since", "recrawl_of", "recrawl", "changes_only", "previous_output",
    ]

    /// Validates the parameters of a `job.submit` request.
    ///
    /// - Parameters:
    ///   - parameters: the request object; `id` and `op` are ignored, any other unknown key is refused.
    /// - Throws: `JobError` with code `badRequest` (or `invalidURL` for a seed), naming the field.
    public init(parameters: JSONObject) throws(JobError) {
        var params = parameters
        params.removeValue(forKey: "id")
        params.removeValue(forKey: "op")
        if let unknown = params.keys.first(where: { !Self.keys.contains($0) }) {
            throw JobError(.badRequest, "unknown parameter '\(unknown)'", field: unknown)
        }
        self.parameters = params
        let reader = JSONObjectReader(params)
        seeds = try Self.seeds(reader)
        followLinks = try Self.read { () throws(JSONFieldError) in try reader.bool("follow_links") } ?? followLinks
        if let scopeName = try Self.read({ () throws(JSONFieldError) in try reader.string("scope") }) {
            guard let scope = CrawlScope(rawValue: scopeName) else {
                throw JobError(.badRequest, "'scope' must be same_host, same_domain or any, got '\(scopeName)'", field: "scope")
            }
            self.scope = scope
        }
        include = try Self.patterns(reader, "include")
        exclude = try Self.patterns(reader, "exclude")
        maxPages = try Self.read { () throws(JSONFieldError) in try reader.int("max_pages", in: 1...10_000_000) } ?? maxPages
        maxDepth = try Self.read { () throws(JSONFieldError) in try reader.int("max_depth", in: 0...1000) } ?? maxDepth
        delayMs = try Self.read { () throws(JSONFieldError) in try reader.int("delay_ms", in: 0...3_600_000) } ?? delayMs
        maxRetries = try Self.read { () throws(JSONFieldError) in try reader.int("max_retries", in: 0...20) } ?? maxRetries
        concurrency = try Self.read { () throws(JSONFieldError) in try reader.int("concurrency", in: 1...256) } ?? concurrency
        if let engine = try Self.read({ () throws(JSONFieldError) in try reader.string("engine") }) {
            guard EngineKind(rawValue: engine) != nil else {
                throw JobError(.badRequest, "'engine' must be \(EngineKind.choices), got \"\(engine)\"", field: "engine")
            }
            self.engine = engine
        }
        config = try Self.read { () throws(JSONFieldError) in try reader.object("config") }
        if let config {
            do {
                try EngineConfigLimits.check(config)
            } catch {
                throw JobError(.badRequest, error.message, field: "config")
            }
        }
        extract = try Self.read { () throws(JSONFieldError) in try reader.bool("extract") } ?? extract
        formats = try Self.formats(reader)
        query = try Self.read { () throws(JSONFieldError) in try reader.string("query") }
        if let query {
            guard formats.contains(.fitMarkdown) else { throw JobError(.badRequest, "'query' filters fit_markdown: add \"fit_markdown\" to formats", field: "query") }
            guard query.utf8.count <= CrawlRequest.maxQueryBytes else {
                throw JobError(.badRequest, "'query' must have at most \(CrawlRequest.maxQueryBytes) bytes, got \(query.utf8.count)", field: "query")
            }
        }
        try readOutput(params["output"])
        webhook = try params["webhook"].map { value throws(JobError) in try WebhookSpec.parse(value) }
        overwrite = try Self.read { () throws(JSONFieldError) in try reader.bool("overwrite") } ?? overwrite
        obeyRobots = try Self.read { () throws(JSONFieldError) in try reader.bool("obey_robots") } ?? obeyRobots
        watch = try Self.watchMode(params["watch"])
        cluster = try Self.read { () throws(JSONFieldError) in try reader.bool("cluster") } ?? cluster
        sitemaps = try Self.sitemapSource(params["sitemaps"])
        since = try Self.since(params["since"], sitemaps: sitemaps)
        try Self.readRecrawl(reader, into: &self)
        if cluster, sitemaps != .none {
            throw JobError(.badRequest, "'sitemaps' is not available for cluster jobs yet", field: "sitemaps")
        }
    }

    /// `output`: a path, or an object with `path`, `redis_stream` and `maxlen` (`StreamSinkSpec`).
    private mutating func readOutput(_ value: JSONValue?) throws(JobError) {
        var path: String?
        switch value {
        case nil, .null?: return
        case .string(let text)?: path = text
        case .object(let members)?:
            if let unknown = members.keys.first(where: { !["path", "redis_stream", "maxlen"].contains($0) }) {
                throw JobError(.badRequest, "unknown parameter 'output.\(unknown)'", field: "output.\(unknown)")
            }
            let reader = JSONObjectReader(members)
            path = try Self.read { () throws(JSONFieldError) in try reader.string("path") }
            stream = try StreamSinkSpec.parse(reader)
        case let other?:
            throw JobError(.badRequest, "'output' must be a string or an object, got \(other.typeName)", field: "output")
        }
        if let path {
            guard !path.isEmpty else { throw JobError(.badRequest, "'output' must not be empty", field: "output") }
            output = path
        }
    }

    /// The most reading `bytes` of links costs, in `MatchingThread` units: each
    /// byte parsed (`CrawlURL`), checked against the scope and matched against
    /// every include and exclude pattern.
    public func admissionCost(ofBytes bytes: Int) -> Int {
        let words = include.reduce(0) { $0 + $1.wordsPerByte } + exclude.reduce(0) { $0 + $1.wordsPerByte }
        return bytes * (2 + words)
    }

    /// Whether `url`, found as a link, passes the job's scope and include/exclude lists.
    public func admits(_ url: CrawlURL) -> Bool {
        guard scope.allows(url, seeds: seeds) else { return false }
        if !include.isEmpty, !include.contains(where: { $0.matches(url.string) }) { return false }
        return !exclude.contains { $0.matches(url.string) }
    }

    private static func seeds(_ reader: JSONObjectReader) throws(JobError) -> [CrawlURL] {
        let texts = try strings(reader, "urls", max: 1_000_000)
        guard !texts.isEmpty else { throw JobError(.badRequest, "'urls' needs at least one URL", field: "urls") }
        var seeds: [CrawlURL] = []
        for (index, text) in texts.enumerated() {
            guard let url = CrawlURL(text) else {
                throw JobError(
                    .invalidURL, "'urls[\(index)]' must be an absolute http or https URL of at most \(CrawlURL.maxBytes) bytes, got '\(text.prefix(200))'",
                    field: "urls[\(index)]")
            }
            seeds.append(url)
        }
        return seeds
    }

    /// An `include` / `exclude` list: at most `URLPattern.maxCount` patterns of at most `URLPattern.maxBytes` each.
    private static func patterns(_ reader: JSONObjectReader, _ key: String) throws(JobError) -> [URLPattern] {
        let texts = try strings(reader, key, max: URLPattern.maxCount)
        if let index = texts.firstIndex(where: { $0.utf8.count > URLPattern.maxBytes }) {
            throw JobError(.badRequest, "'\(key)[\(index)]' must have at most \(URLPattern.maxBytes) bytes, got \(texts[index].utf8.count)", field: "\(key)[\(index)]")
        }
        return texts.map(URLPattern.init)
    }

    /// A list of strings; a single string is accepted as a list of one.
    private static func strings(_ reader: JSONObjectReader, _ key: String, max: Int) throws(JobError) -> [String] {
        if let one = reader[key]?.stringValue { return [one] }
        return try read { () throws(JSONFieldError) in try reader.strings(key, max: max) } ?? []
    }

    /// One read through the JSON module's reader, its error as `badRequest` naming the field.
    static func read<T>(_ body: () throws(JSONFieldError) -> T) throws(JobError) -> T {
        do {
            return try body()
        } catch {
            throw JobError(.badRequest, error.message, field: error.key)
        }
    }

    /// The formats a record may carry: every page's `html` would make records of megabytes,
    /// so a job offers the text ones only.
    private static func formats(_ reader: JSONObjectReader) throws(JobError) -> Set<CrawlRequest.Format> {
        var formats: Set<CrawlRequest.Format> = []
        let names = try read({ () throws(JSONFieldError) in try reader.strings("formats", max: 8) }) ?? []
        for (index, name) in names.enumerated() {
            guard let format = CrawlRequest.Format(rawValue: name), [.text, .markdown, .fitMarkdown, .links].contains(format) else {
                throw JobError(.badRequest, "'formats[\(index)]' must be text, markdown, fit_markdown or links, got '\(name)'", field: "formats[\(index)]")
            }
            if format != .links { formats.insert(format) }
        }
        return formats
    }

    private static func watchMode(_ value: JSONValue?) throws(JobError) -> WatchMode {
        switch value {
        case nil, .bool(false)?: return .none
        case .bool(true)?, .string("progress")?: return .progress
        case .string("pages")?: return .pages
        case let other?:
            throw JobError(.badRequest, "'watch' must be true, false, \"progress\" or \"pages\", got \(other.typeName)", field: "watch")
        }
    }
}
