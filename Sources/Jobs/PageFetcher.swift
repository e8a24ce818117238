import JSON
import Scripting

/// What the crawl path reports for one page; becomes one JSONL record.
public struct PageOutcome: Sendable, Equatable {
    /// The HTTP status; nil when no response came (then `errorCode` says why).
    public var status: Int?
    /// The URL after redirects.
    public var finalURL: String?
    public var title: String?
    /// Absolute links found on the page, in document order.
    public var links: [String]
    /// What extract.lua returned, if extraction ran.
    public var data: JSONValue?
    /// A protocol error code when the page failed (`fetch_failed`, `timeout`, `script_error`, ...).
    public var errorCode: String?
    public var errorMessage: String?
    /// The raw `Retry-After` header of the response, if any.
    public var retryAfter: String?
    /// The job's asked formats (`text`, `markdown`, `fit_markdown`), by their record keys.
    public var formats: JSONObject = [:]
    /// The response's `ETag` and `Last-Modified`, as sent; a recrawl sends them back.
    public var etag: String?
    public var lastModified: String?
    /// The SHA-256 of the body as received, lowercase hex.
    public var contentSHA256: String?
    /// In a recrawl, how the page compares with the earlier job's record (`PageOutcome.judged`).
    public var change: PageChange?

    public init(
        status: Int? = nil, finalURL: String? = nil, title: String? = nil, links: [String] = [], data: JSONValue? = nil,
        errorCode: String? = nil, errorMessage: String? = nil, retryAfter: String? = nil
    ) {
        self.status = status
        self.finalURL = finalURL
        self.title = title
        self.links = links
        self.data = data
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.retryAfter = retryAfter
    }

    /// A page with a 2xx or 3xx status and no error.
    public var succeeded: Bool { errorCode == nil && (status.map { $0 < 400 } ?? false) }
}

/// The answer to a robots.txt request.
public enum RobotsResponse: Sendable, Equatable {
    /// A response with this status and body.
    case response(status: Int, body: String)
    /// No response: DNS, connect, TLS or timeout failure.
    case unreachable
}

/// How a job gets its pages: the daemon plugs the real crawl path (Crawl module:
/// policy -> pool -> engine -> parse -> extract) in here; tests plug a real
/// HTTP client against a loopback server.
///
/// Implementations report site and network failures in the outcome (status,
/// `errorCode`) rather than throwing; a throw is treated as an `internal` error
/// of that page, except when the task was cancelled.
public protocol PageFetcher: Sendable {
    /// Fetches one page of a job (one attempt; the runner does the retries),
    /// as `identity` when policies.lua declares identities.
    func fetch(url: CrawlURL, depth: Int, spec: JobSpec, identity: CrawlIdentity?) async throws -> PageOutcome
    /// As `fetch(url:depth:spec:identity:)`, for a recrawl: the earlier record's
    /// validators go as `If-None-Match` / `If-Modified-Since` where the fetcher
    /// can send them (the default sends none and fetches the whole page).
    func fetch(url: CrawlURL, depth: Int, spec: JobSpec, identity: CrawlIdentity?, previous: PreviousRecord?) async throws -> PageOutcome
    /// The fetcher for the pages of one job, made when its runner is: what it
    /// keeps between pages (the daemon's keeps the job's cookie jar) belongs
    /// to that job alone and goes with it. Not checkpointed.
    func forJob() -> any PageFetcher
    /// Fetches `origin/robots.txt` (redirects followed), without extraction.
    func fetchRobots(origin: String) async -> RobotsResponse
    /// Fetches a file as bytes (redirects followed; a `Content-Encoding` undone),
    /// without parsing or extraction: a sitemap, possibly gzip.
    func fetchFile(url: CrawlURL) async -> FileResponse
}

extension PageFetcher {
    public func fetch(url: CrawlURL, depth: Int, spec: JobSpec, identity: CrawlIdentity?, previous: PreviousRecord?) async throws -> PageOutcome {
        try await fetch(url: url, depth: depth, spec: spec, identity: identity)
    }
}

/// The answer to a file request (`PageFetcher.fetchFile`).
public enum FileResponse: Sendable, Equatable {
    /// A response with this status and body.
    case response(status: Int, body: [UInt8])
    /// No response: DNS, connect, TLS or timeout failure, or a body past the engine's ceiling.
    case unreachable
}

/// The daemon's bridge to `policies.politeness(host, stats)`: the delay and
/// concurrency for the next request to `host`, given what crawld saw of it.
public typealias PolitenessPolicy = @Sendable (_ host: String, _ stats: HostStats) async -> Politeness
/// The daemon's bridge to `policies.retry(attempt, status, error)` (Scripting's
/// `Policies.retryDelay`): the delay before retry number `attempt` (1 for the
/// first), or nil to give up.
public typealias RetryPolicy = @Sendable (_ attempt: Int, _ status: Int?, _ error: String?) async -> Duration?
