import Logging
import Protocol

/// Collects the daemon's ops at start; `buildDispatcher` freezes them into an
/// immutable dispatcher, as hummingbird's `Router.buildResponder()` does, so
/// later issues add ops without touching framing or the server.
struct OpRegistry {
    private var ops: [String: any Op] = [:]

    /// Adds an op. Registering a name twice is a programming error.
    mutating func register(_ op: any Op) {
        precondition(ops[op.name] == nil, "op '\(op.name)' registered twice")
        ops[op.name] = op
    }

    /// - Parameter observer: nil leaves the requests out of the monitor.
    func buildDispatcher(logger: Logger, observer: RequestObserver?) -> OpDispatcher {
        OpDispatcher(ops: ops, logger: logger, observer: observer)
    }
}
