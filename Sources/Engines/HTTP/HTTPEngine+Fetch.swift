import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1

extension HTTPEngine {
    /// Where a fetch connects: given a host name (or a literal IP, without
    /// brackets), the address to connect to instead of resolving it, or nil
    /// to resolve as usual. What it throws ends the fetch unchanged.
    public typealias AddressPin = @Sendable (_ host: String) async throws -> IPAddress?

    /// Fetches `url` with GET, following redirects when the config says so.
    ///
    /// One deadline covers the whole fetch (every redirect hop and the
    /// body): the shorter of `timeout` and the config's `timeout_ms`. The body
    /// is read as it streams and the fetch stops as soon as it passes
    /// `max_body_bytes`. A 404 or 500 is a result, not an error.
    ///
    /// - Parameters:
    ///   - url: an absolute http or https URL (Crawl validates it first).
    ///   - timeout: the caller's deadline for this fetch, if shorter than the config's.
    ///   - cookies: the jar of the client this fetch is for; nil keeps and sends
    ///     none. Ignored when the config shares the engine's jar.
    ///   - checkRedirect: called with each redirect target before it is
    ///     requested; what it throws ends the fetch unchanged.
    ///   - pin: called with the host of the URL and of each redirect target
    ///     right before it is requested. Crawl passes `AddressPolicy`'s
    ///     `checkedAddresses(of:)` under `--deny-private`, so the request
    ///     goes to the address that was checked, and the `Host` header, TLS
    ///     SNI and certificate check keep the name: a DNS answer that changes
    ///     between check and connect (DNS rebinding) is never connected to.
    /// - Throws: `EngineError` (`timeout`, `connectionRefused`, `bodyTooLarge`,
    ///   ...), what `checkRedirect` or `pin` threw, or `CancellationError`
    ///   when the calling task is cancelled.
    public func fetch(
        url: String, timeout: Duration? = nil, cookies: CookieJar? = nil, checkRedirect: (@Sendable (String) async throws -> Void)? = nil,
        pin: AddressPin? = nil, validators: RequestValidators? = nil
    ) async throws -> FetchResult {
        let client = try beginRequest()
        defer { endRequest() }
        let jar = configuration.cookies == .shared ? sharedCookies : cookies
        let limit = min(timeout ?? configuration.timeout, configuration.timeout)
        let start = ContinuousClock.now
        return try await deadlines.run(
            deadline: .now() + .nanoseconds(limit.nanoseconds),
            expired: EngineError(.timeout, "no complete response from \(url) within \(limit.milliseconds) ms")
        ) {
            try await self.follow(
                url, client: client, cookies: jar, start: start, checkRedirect: checkRedirect, pin: pin, validators: validators)
        }
    }

    /// Requests `url`, then each redirect target, until a response that is not a redirect.
    private func follow(
        _ url: String, client: HTTPClient, cookies: CookieJar?, start: ContinuousClock.Instant,
        checkRedirect: (@Sendable (String) async throws -> Void)?, pin: AddressPin?, validators: RequestValidators?
    ) async throws -> FetchResult {
        guard var current = Self.httpURL(url) else {
            throw EngineError(.invalidURL, "not an absolute http or https URL: \(url)")
        }
        var redirects: [String] = []
        var visited: Set<String> = [current.absoluteString]
        while true {
            let response = try await request(current, client: client, cookies: cookies, pin: pin, validators: validators)
            guard configuration.followRedirects, let next = try redirectTarget(of: response.head, from: current) else {
                let headers = ResponseHeaders(response.head.headers.map { ResponseHeaders.Field(name: $0.name, value: $0.value) })
                return FetchResult(
                    url: url, finalURL: redirects.last ?? url, redirects: redirects, status: Int(response.head.status.code),
                    headers: headers, body: response.body,
                    timing: FetchTiming(firstByte: response.headArrived - start, total: ContinuousClock.now - start)
                )
            }
            guard redirects.count < configuration.maxRedirects else {
                throw EngineError(.tooManyRedirects, "more than \(configuration.maxRedirects) redirects from \(url)")
            }
            guard visited.insert(next.absoluteString).inserted else {
                let chain = ([url] + redirects + [next.absoluteString]).joined(separator: " -> ")
                throw EngineError(.redirectLoop, "redirect loop: \(chain)")
            }
            try await checkRedirect?(next.absoluteString)
            redirects.append(next.absoluteString)
            current = next
        }
    }

    /// One request of a fetch: headers from the config, cookies from the
    /// jar, the validators of an earlier response (on every hop: a redirect's
    /// target is the URL whose version they name); stores the response's
    /// cookies. The response comes whole, its body capped at
    /// `max_body_bytes`; the fetch's deadline cancels the calling task.
    ///
    /// Plain HTTP without a proxy goes over the engine's own HTTP/1.1
    /// connections (`HTTP1Connections`), to the pinned address when there is
    /// one; the rest (HTTPS, HTTP/2, proxies) over AsyncHTTPClient.
    private func request(
        _ url: URL, client: HTTPClient, cookies: CookieJar?, pin: AddressPin?, validators: RequestValidators?
    ) async throws -> ResponseAccumulator.Response {
        let host = url.host ?? ""
        let headers = requestHeaders(for: url, host: host, cookies: cookies, validators: validators)
        let address = try await pin?(url.lookupHost)
        let response: ResponseAccumulator.Response
        do {
            if url.scheme?.lowercased() == "http", configuration.proxy == nil {
                response = try await plainRequest(url, headers: headers, address: address)
            } else {
                response = try await withClient(for: url, shared: client, pinnedTo: address) { client in
                    try await self.execute(url, headers: headers, client: client)
                }
            }
        } catch let abandoned as ResponseAccumulator.AbandonedRedirectBody {
            response = abandoned.response
        } catch {
            throw EngineError.from(error, url: url, configuration: configuration)
        }
        let setCookies = response.head.headers["set-cookie"]
        if !setCookies.isEmpty { cookies?.store(setCookieHeaders: setCookies, host: host, path: url.path) }
        return response
    }

    /// The request's headers: the config's, the cookies of the jar, the validators.
    private func requestHeaders(for url: URL, host: String, cookies: CookieJar?, validators: RequestValidators?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "user-agent", value: configuration.userAgent)
        if configuration.decompression, configuration.headers["accept-encoding"] == nil {
            headers.add(name: "accept-encoding", value: "gzip, deflate")
        }
        var cookie = configuration.headers["cookie"]
        for (name, value) in configuration.headers where name != "cookie" {
            headers.add(name: name, value: value)
        }
        if let stored = cookies?.cookieHeader(host: host, path: url.path, secure: url.scheme == "https") {
            cookie = cookie.map { "\($0); \(stored)" } ?? stored
        }
        if let cookie { headers.add(name: "cookie", value: cookie) }
        for (name, value) in validators?.headers ?? [] { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    /// A plain-HTTP request on the engine's own connections, to `address`
    /// when the fetch pinned one; the `Host` header names the host (an IPv6
    /// literal in brackets) and a port that is not 80, as AsyncHTTPClient's does.
    private func plainRequest(_ url: URL, headers: HTTPHeaders, address: IPAddress?) async throws -> ResponseAccumulator.Response {
        let host = url.lookupHost
        let port = url.port ?? 80
        var headers = headers
        if !headers.contains(name: "host") {
            let name = host.contains(":") ? "[\(host)]" : host
            headers.add(name: "host", value: port == 80 ? name : "\(name):\(port)")
        }
        let path = url.path(percentEncoded: true)
        let query = url.query(percentEncoded: true).map { "?\($0)" } ?? ""
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: (path.isEmpty ? "/" : path) + query, headers: headers)
        let key = HTTP1Connections.Key(host: host, port: port, address: address)
        return try await plain.execute(head, to: key, into: ResponseAccumulator(url: url, configuration: configuration))
    }

    /// Runs one AsyncHTTPClient request on the client that connects to
    /// `address`: the shared client for a literal IP (it connects where it
    /// says) or without a pinned address, a client pinned to the address
    /// otherwise, held until the response's body is read.
    private func withClient<T>(
        for url: URL, shared: HTTPClient, pinnedTo address: IPAddress?, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        let host = url.lookupHost
        guard let address, IPAddress(host) == nil else { return try await body(shared) }
        let (client, key) = try pinned.acquire(host: host, address: address)
        defer { pinned.release(key) }
        return try await body(client)
    }

    /// One request over AsyncHTTPClient, gathered by a `ResponseCollector`.
    private func execute(_ url: URL, headers: HTTPHeaders, client: HTTPClient) async throws -> ResponseAccumulator.Response {
        let request = try HTTPClient.Request(url: url, method: .GET, headers: headers)
        let task = client.execute(
            request: request, delegate: ResponseCollector(url: url, configuration: configuration), eventLoop: .indifferent,
            logger: clientLogger)
        return try await withTaskCancellationHandler {
            try await task.futureResult.get()
        } onCancel: {
            task.cancel()
        }
    }

    /// Where a redirect response points, resolved against the URL it came from; nil if it is no redirect.
    private func redirectTarget(of head: HTTPResponseHead, from url: URL) throws -> URL? {
        guard ResponseAccumulator.redirectStatuses.contains(head.status.code),
            let location = head.headers.first(name: "location")
        else { return nil }
        guard let target = URL(string: location, relativeTo: url).flatMap({ Self.httpURL($0.absoluteString) }) else {
            throw EngineError(.protocolError, "\(url.absoluteString) redirects to '\(location)', which is not an http or https URL")
        }
        return target
    }

    static func bodyTooLarge(_ cap: Int, _ url: URL) -> EngineError {
        EngineError(.bodyTooLarge, "body larger than \(cap) bytes: \(url.absoluteString)")
    }

    /// `text` as a URL when it is absolute, http or https, and has a host.
    static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
