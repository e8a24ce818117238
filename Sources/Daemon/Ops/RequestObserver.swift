import JSON
import Logging
import Monitor
import Protocol

/// Sees every request start and end: records it in the monitor (active,
/// completed, per-op stats, errors) and in the Prometheus metrics (with
/// `--http`), and logs its end at debug level.
struct RequestObserver: Sendable {
    let monitor: Monitor
    let logger: Logger
    let metrics: CrawldMetrics?

    /// Identifies one request between `started` and `ended`.
    struct Token: Sendable {
        let monitor: MonitorRequestToken
        /// Only read for the debug line and the latency metric; nil when neither is kept.
        let start: ContinuousClock.Instant?
    }

    func started(_ request: Request) -> Token {
        let id: String?
        switch request.id {
        case .null: id = nil
        case .int(let number): id = String(number) // what encodedString() gives, without the byte array
        default: id = request.id.encodedString()
        }
        let token = monitor.recordStart(op: request.op, requestID: id, url: request.parameters["url"]?.stringValue)
        return Token(monitor: token, start: metrics != nil || logger.logLevel <= .debug ? .now : nil)
    }

    func ended(_ token: Token, request: Request, result: Result<OpAnswer, ProtocolError>) {
        switch result {
        case .success(let answer):
            monitor.recordEnd(token.monitor, outcome: answer.outcome)
        case .failure(let error):
            monitor.recordEnd(token.monitor, outcome: MonitorOutcome(success: false, errorCode: error.code.rawValue, errorMessage: error.message))
        }
        guard let start = token.start else { return }
        let elapsed = ContinuousClock.now - start
        if let metrics {
            switch result {
            case .success(let answer):
                metrics.recordRequest(op: request.op, outcome: "ok", duration: elapsed, poolHit: answer.outcome.poolHit)
            case .failure(let error):
                metrics.recordRequest(op: request.op, outcome: error.code.rawValue, duration: elapsed, poolHit: nil)
            }
        }
        guard logger.logLevel <= .debug else { return }
        let logger = Self.logger(logger, for: request)
        switch result {
        case .success:
            logger.debug("request ok", metadata: ["crawld.elapsed": "\(elapsed)"])
        case .failure(let error):
            logger.debug("request failed", metadata: ["crawld.elapsed": "\(elapsed)", "crawld.error": "\(error)"])
        }
    }

    /// `logger` with the request's id and op as metadata.
    ///
    /// Built only for a line that is logged: setting metadata makes swift-log's
    /// stream handler re-render its metadata string, which cost more than the
    /// whole of a `ping` when it was done for every request.
    static func logger(_ logger: Logger, for request: Request) -> Logger {
        var logger = logger
        logger[metadataKey: "crawld.request.id"] = "\(request.id.encodedString())"
        logger[metadataKey: "crawld.op"] = "\(request.op)"
        return logger
    }
}
