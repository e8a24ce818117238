import Foundation
import JSON
import Jobs

/// A real HTTP page source for the runner tests: an HTTP/1.0 GET over a
/// loopback socket on a thread of its own (URLSession on Linux crashes when
/// tasks are cancelled mid-request, which the stop tests do on purpose); title
/// and links taken with regular expressions (the real crawl path uses libxml2;
/// this only has to read jobsite.py's pages).
struct HTTPTestFetcher: PageFetcher {
    let log = RequestLog()

    func fetch(url: CrawlURL, depth: Int, spec: JobSpec, identity: CrawlIdentity?) async throws -> PageOutcome {
        let start = ContinuousClock.now
        let response = await Self.get(url)
        await log.record(url.string, start: start, end: .now)
        guard let response else { return PageOutcome(errorCode: "fetch_failed", errorMessage: "no answer from \(url.origin)") }
        return PageOutcome(
            status: response.status, finalURL: url.string, title: Self.title(response.body),
            links: Self.links(response.body, base: url.string), retryAfter: response.headers["retry-after"])
    }

    /// Keeps nothing between pages, so one fetcher (and its request log) serves every job.
    func forJob() -> any PageFetcher { self }

    func fetchRobots(origin: String) async -> RobotsResponse {
        await log.robots(origin)
        guard let url = CrawlURL(origin + "/robots.txt"), let response = await Self.get(url) else { return .unreachable }
        return .response(status: response.status, body: response.body)
    }

    func fetchFile(url: CrawlURL) async -> FileResponse {
        guard let response = await Self.get(url) else { return .unreachable }
        return .response(status: response.status, body: response.bytes)
    }

    struct Response {
        let status: Int
        let headers: [String: String]
        let body: String
        /// The body as sent (gzip stays gzip).
        let bytes: [UInt8]
    }

    /// One GET on a dedicated thread, so blocking socket calls never hold a cooperative thread.
    static func get(_ url: CrawlURL) async -> Response? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: blockingGet(url)) }.start()
        }
    }

    private static func blockingGet(_ url: CrawlURL) -> Response? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(url.port ?? 80).bigEndian)
        address.sin_addr.s_addr = inet_addr(url.host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(url.pathAndQuery) HTTP/1.0\r\nHost: \(url.host)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let headLength = text.utf8.distance(from: text.utf8.startIndex, to: split.upperBound)
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]), bytes: Array(bytes[headLength...]))
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
