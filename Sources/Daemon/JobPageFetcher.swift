import Crawl
import Jobs

/// Jobs get their pages through the same crawl path as the `crawl` op:
/// policy, pool, engine, one parse, extract.lua.
///
/// Failures become the page's error code as the wire names it (through
/// `ErrorMapping`), so a job record says `fetch_failed` or `timeout` exactly
/// as a `crawl` answer would. Each page counts against the daemon-wide
/// crawl ceiling and waits for a slot (`CrawlAdmission`).
struct JobPageFetcher: PageFetcher {
    let crawler: Crawler
    let admission: CrawlAdmission

    func fetch(url: CrawlURL, depth: Int, spec: JobSpec) async throws -> PageOutcome {
        let request = CrawlRequest(url: url.string, engine: spec.engine, config: spec.config, extract: spec.extract, formats: [.links], depth: depth)
        do {
            let page = try await admission.withSlot(client: nil, patience: nil) { try await crawler.crawl(request) }
            return PageOutcome(
                status: page.status, finalURL: page.finalURL, title: page.title, links: page.links,
                data: spec.extract ? page.data : nil, retryAfter: page.headers.first("retry-after")
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let wire = ErrorMapping.protocolError(for: error)
            return PageOutcome(errorCode: wire.code.rawValue, errorMessage: wire.message)
        }
    }

    /// robots.txt through the HTTP engine with the default configuration,
    /// redirects followed, no extraction.
    func fetchRobots(origin: String) async -> RobotsResponse {
        let request = CrawlRequest(url: origin + "/robots.txt", engine: "http", extract: false, formats: [.text])
        guard let page = try? await admission.withSlot(client: nil, patience: nil, { try await crawler.crawl(request) }) else {
            return .unreachable
        }
        return .response(status: page.status, body: page.text ?? "")
    }
}
