import JSON
import Logging
import Protocol
import Synchronization

/// Logs one line per finished request at debug level (`--log-level debug`),
/// with its id, op, outcome and elapsed time.
struct RequestLogObserver: RequestObserver {
    let logger: Logger
    private let sequence = SequenceCounter()

    init(logger: Logger) {
        self.logger = logger
    }

    func started(_ request: Request) -> RequestToken {
        RequestToken(sequence: sequence.next(), start: .now)
    }

    func ended(_ token: RequestToken, result: Result<JSONObject, ProtocolError>) {
        guard logger.logLevel <= .debug else { return }
        let elapsed = ContinuousClock.now - token.start
        switch result {
        case .success:
            logger.debug("request ok", metadata: ["crawld.elapsed": "\(elapsed)"])
        case .failure(let error):
            logger.debug("request failed", metadata: ["crawld.elapsed": "\(elapsed)", "crawld.error": "\(error)"])
        }
    }
}

/// A process-wide request counter.
final class SequenceCounter: Sendable {
    private let value = Atomic<Int>(0)

    func next() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
