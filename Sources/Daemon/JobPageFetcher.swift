import Crawl
import Engines
import JSON
import Jobs
import Synchronization

/// Jobs get their pages through the same crawl path as the `crawl` op:
/// policy, pool, engine, one parse, extract.lua.
///
/// Failures become the page's error code as the wire names it (through
/// `ErrorMapping`), so a job record says `fetch_failed` or `timeout` exactly
/// as a `crawl` answer would. Each page counts against the daemon-wide
/// crawl ceiling and waits for a slot (`CrawlAdmission`).
///
/// Each job gets its own copy (`forJob`) with cookie jars of its own: its
/// pages share their cookies, no other job or connection sees them, and a
/// resumed job starts with empty jars. A page sent as an identity uses that
/// identity's jar and carries its config keys over the job's. Browser pages
/// of one jar share a browser session as well, so a browser job's renderers
/// stay warm (`BrowserEngine+Sessions`).
struct JobPageFetcher: PageFetcher {
    let crawler: Crawler
    let admission: CrawlAdmission
    /// Nil on the daemon's shared fetcher, which only fetches robots.txt.
    var jars: CookieJars?

    /// The job's cookie jars: one without an identity, one per identity jar name.
    final class CookieJars: Sendable {
        private let jars = Mutex<[String: CookieJar]>([:])
        /// The owner of the job's browser sessions (`job N`), unique in this
        /// process to the job's fetcher (an address could be a finished job's).
        /// Made once: every page of the job carries it.
        let sessionOwner = "job \(CookieJars.scopes.wrappingAdd(1, ordering: .relaxed).newValue)"
        private static let scopes = Atomic<Int>(0)

        func jar(_ name: String) -> CookieJar {
            jars.withLock { jars in
                if let jar = jars[name] { return jar }
                let jar = CookieJar()
                jars[name] = jar
                return jar
            }
        }
    }

    func forJob() -> any PageFetcher {
        JobPageFetcher(crawler: crawler, admission: admission, jars: CookieJars())
    }

    func fetch(url: CrawlURL, depth: Int, spec: JobSpec, identity: CrawlIdentity?) async throws -> PageOutcome {
        try await fetch(url: url, depth: depth, spec: spec, identity: identity, previous: nil)
    }

    /// A page of a job; in a recrawl, with the earlier record's validators, and
    /// always with the body's SHA-256 and the response's ETag and Last-Modified.
    func fetch(url: CrawlURL, depth: Int, spec: JobSpec, identity: CrawlIdentity?, previous: PreviousRecord?) async throws -> PageOutcome {
        var config = spec.config
        if let identity { config = (config ?? [:]).merging(identity.config) { _, identity in identity } }
        var request = CrawlRequest(url: url.string, engine: spec.engine, config: config, extract: spec.extract, formats: spec.formats.union([.links]), depth: depth)
        request.query = spec.query
        // The empty name cannot be an identity's jar (names are 1-64 characters).
        let jar = identity?.cookieJar ?? ""
        request.cookies = jars?.jar(jar)
        // Browser pages that share a cookie jar share a browser session too.
        request.browserSession = jars.map { BrowserSessionKey(owner: $0.sessionOwner, name: jar) }
        request.digestsBody = true
        if let validators = previous?.validators {
            request.validators = RequestValidators(etag: validators.etag, lastModified: validators.lastModified)
        }
        do {
            let page = try await admission.withSlot(client: nil, patience: nil) { [request] in try await crawler.crawl(request) }
            var outcome = PageOutcome(
                status: page.status, finalURL: page.finalURL, title: page.title, links: page.links,
                data: spec.extract ? page.data : nil, retryAfter: page.headers.first("retry-after")
            )
            outcome.etag = page.headers.first("etag")
            outcome.lastModified = page.headers.first("last-modified")
            outcome.contentSHA256 = page.contentSHA256
            let texts: [CrawlRequest.Format: String?] = [.text: page.text, .markdown: page.markdown, .fitMarkdown: page.fitMarkdown]
            for format in spec.formats {
                outcome.formats[format.rawValue] = (texts[format] ?? nil).map(JSONValue.string) ?? .null
            }
            return outcome
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let wire = ErrorMapping.protocolError(for: error)
            return PageOutcome(errorCode: wire.code.rawValue, errorMessage: wire.message)
        }
    }

    /// robots.txt through the HTTP engine with the default configuration,
    /// redirects followed, no extraction, no cookies kept or sent.
    func fetchRobots(origin: String) async -> RobotsResponse {
        let request = CrawlRequest(url: origin + "/robots.txt", engine: "http", extract: false, formats: [.text])
        guard let page = try? await admission.withSlot(client: nil, patience: nil, { try await crawler.crawl(request) }) else {
            return .unreachable
        }
        return .response(status: page.status, body: page.text ?? "")
    }

    /// A sitemap through the HTTP engine with the default configuration, like robots.txt.
    func fetchFile(url: CrawlURL) async -> FileResponse {
        let request = CrawlRequest(url: url.string, engine: "http", extract: false)
        guard let file = try? await admission.withSlot(client: nil, patience: nil, { try await crawler.fetchFile(request) }) else {
            return .unreachable
        }
        return .response(status: file.status, body: file.body)
    }
}
