import JSON
import Logging
import Monitor
import Protocol

/// Sees every request start and end: records it in the monitor (active,
/// completed, per-op stats, errors) and logs its end at debug level.
struct RequestObserver: Sendable {
    let monitor: Monitor
    let logger: Logger

    /// Identifies one request between `started` and `ended`.
    struct Token: Sendable {
        let monitor: MonitorRequestToken
        let start: ContinuousClock.Instant
    }

    func started(_ request: Request) -> Token {
        let id = request.id == .null ? nil : request.id.encodedString()
        let token = monitor.recordStart(op: request.op, requestID: id, url: request.parameters["url"]?.stringValue)
        return Token(monitor: token, start: .now)
    }

    func ended(_ token: Token, result: Result<JSONObject, ProtocolError>, logger: Logger) {
        switch result {
        case .success(let fields):
            let pool = fields["pool"]?.objectValue
            monitor.recordEnd(token.monitor, outcome: MonitorOutcome(
                success: true, status: fields["status"]?.intValue.map { Int($0) },
                poolHit: pool?["hit"]?.boolValue, signature: pool?["sig"]?.stringValue
            ))
            logger.debug("request ok", metadata: ["crawld.elapsed": "\(ContinuousClock.now - token.start)"])
        case .failure(let error):
            monitor.recordEnd(token.monitor, outcome: MonitorOutcome(success: false, errorCode: error.code.rawValue, errorMessage: error.message))
            logger.debug("request failed", metadata: ["crawld.elapsed": "\(ContinuousClock.now - token.start)", "crawld.error": "\(error)"])
        }
    }
}
