/// How webhooks leave crawld: implemented in Daemon with AsyncHTTPClient,
/// behind the same `--deny-private` rule as the crawler's fetches.
public protocol WebhookTransport: Sendable {
    /// Whether `url` may receive webhooks: under `--deny-private` its host is
    /// resolved and every address checked.
    /// - Throws: `JobError` `blockedAddress` or `invalidURL`.
    func check(_ url: String) async throws(JobError)

    /// POSTs `body` to `url` (resolved and checked again, and connected to the
    /// address checked), giving up after `timeout`; redirects are not followed.
    /// - Returns: the HTTP status.
    /// - Throws: a `JobError` whose message says what failed (refused, timeout, connection).
    func post(_ url: String, body: [UInt8], headers: [(String, String)], timeout: Duration) async throws(JobError) -> Int
}
