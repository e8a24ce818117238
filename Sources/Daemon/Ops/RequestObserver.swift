import JSON
import Protocol

/// Sees every request start and end; the monitor implements it.
protocol RequestObserver: Sendable {
    /// Returns a token handed back to `ended`.
    func started(_ request: Request) -> RequestToken
    func ended(_ token: RequestToken, result: Result<JSONObject, ProtocolError>)
}

/// Identifies one request between `started` and `ended`.
struct RequestToken: Sendable {
    let sequence: Int
    let start: ContinuousClock.Instant
}
