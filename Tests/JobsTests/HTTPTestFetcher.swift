import Foundation
import JSON
import Jobs

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real HTTP page source for the runner tests: URLSession against the
/// loopback test server, title and links taken with regular expressions (the
/// real crawl path uses libxml2; this only has to read jobsite.py's pages).
struct HTTPTestFetcher: PageFetcher {
    let log = RequestLog()
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        configuration.httpMaximumConnectionsPerHost = 16
        session = URLSession(configuration: configuration)
    }

    func fetch(url: CrawlURL, depth: Int, spec: JobSpec) async throws -> PageOutcome {
        let start = ContinuousClock.now
        let outcome = try await get(url)
        await log.record(url.string, start: start, end: .now)
        return outcome
    }

    private func get(_ url: CrawlURL) async throws -> PageOutcome {
        let (status, body, finalURL, headers): (Int, String, String, [AnyHashable: Any])
        do {
            let (data, response) = try await session.data(from: URL(string: url.string)!)
            let http = response as! HTTPURLResponse
            (status, body, finalURL, headers) = (http.statusCode, String(decoding: data, as: UTF8.self), http.url?.absoluteString ?? url.string, http.allHeaderFields)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return PageOutcome(errorCode: "fetch_failed", errorMessage: "\(error)")
        }
        return PageOutcome(
            status: status, finalURL: finalURL, title: Self.title(body), links: Self.links(body, base: finalURL),
            retryAfter: headers["Retry-After"] as? String)
    }

    func fetchRobots(origin: String) async -> RobotsResponse {
        await log.robots(origin)
        guard let (data, response) = try? await session.data(from: URL(string: origin + "/robots.txt")!),
            let http = response as? HTTPURLResponse
        else { return .unreachable }
        return .response(status: http.statusCode, body: String(decoding: data, as: UTF8.self))
    }

    static func title(_ body: String) -> String? {
        guard let match = try? Regex(#"<title>(.*?)</title>"#).firstMatch(in: body) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    static func links(_ body: String, base: String) -> [String] {
        let baseURL = URL(string: base)
        return body.matches(of: try! Regex(#"href="([^"]*)""#)).compactMap { match in
            match.output[1].substring.flatMap { URL(string: String($0), relativeTo: baseURL)?.absoluteString }
        }
    }
}

/// Every request the test fetcher made, with its start and end times.
actor RequestLog {
    struct Request: Sendable {
        let url: String
        let start: ContinuousClock.Instant
        let end: ContinuousClock.Instant
    }

    private(set) var requests: [Request] = []
    private(set) var robotsFetches: [String] = []

    func record(_ url: String, start: ContinuousClock.Instant, end: ContinuousClock.Instant) {
        requests.append(Request(url: url, start: start, end: end))
    }

    func robots(_ origin: String) { robotsFetches.append(origin) }

    func count(_ url: String) -> Int { requests.filter { $0.url == url }.count }
}
