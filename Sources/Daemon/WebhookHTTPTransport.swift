import AsyncHTTPClient
import Crawl
import Engines
import Jobs
import NIOCore

/// Sends jobs' webhooks with AsyncHTTPClient, through the crawler's own
/// `URLValidator`: under `--deny-private` a webhook's host is resolved and
/// every address checked, at submit and again at each attempt, and the POST
/// connects to the address checked (`dnsOverride`), so a name that rebinds
/// between check and connect reaches nothing new. Redirects are not followed:
/// a receiver cannot point crawld elsewhere. A host policies.lua lists in
/// `webhooks.private_hosts` skips the address check (an operator's own
/// receiver on a private network).
///
/// A client per attempt: webhooks are a few requests per job, and a client of
/// its own lets each connect to its own checked address.
struct WebhookHTTPTransport: WebhookTransport {
    let validator: URLValidator
    /// Whether policies.lua lets this host be private.
    let allowsPrivate: @Sendable (String) -> Bool

    func check(_ url: String) async throws(JobError) {
        _ = try await checked(url)
    }

    func post(_ url: String, body: [UInt8], headers: [(String, String)], timeout: Duration) async throws(JobError) -> Int {
        let target = try await checked(url)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        if let address = target.addresses.first { configuration.dnsOverride = [target.host: address.description] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "crawld/\(CrawldVersion.current)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let result: Result<Int, JobError>
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            result = .success(Int(response.status.code))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            result = .failure(JobError(.badRequest, "timeout after \(timeout)"))
        } catch {
            result = .failure(JobError(.badRequest, "\(error)"))
        }
        try? await client.shutdown()
        return try result.get()
    }

    /// The URL's host and the addresses checked (none when nothing was looked up), or the reason it may not receive webhooks.
    private func checked(_ url: String) async throws(JobError) -> (host: String, addresses: [IPAddress]) {
        do {
            let host = try URLValidator.checkSyntax(url).lookupHost
            if allowsPrivate(host) { return (host, []) }
            return (host, try await validator.check(url).addresses)
        } catch  where error.code == .blockedAddress {
            throw JobError(.blockedAddress, "'webhook.url': \(error.message)", field: "webhook.url")
        } catch {
            throw JobError(.invalidURL, "'webhook.url': \(error.message)", field: "webhook.url")
        }
    }
}
