import JSON
import Monitor
import Protocol

/// One operation of docs/protocol.md (`ping`, `crawl`, `monitor.health`…).
///
/// An op declares the parameters it takes, so the dispatcher refuses unknown
/// keys before the op runs, and returns the fields of its `ok: true` line.
/// Ops are registered in an `OpRegistry` at start and never change after.
protocol Op: Sendable {
    /// The wire name, e.g. `"monitor.health"`.
    var name: String { get }
    /// Every parameter key this op accepts.
    var parameterKeys: Set<String> { get }
    /// True when `run` never suspends and takes microseconds (it reads or
    /// sets in-memory state): the server then answers it on the connection's
    /// own task, gathered with the answers read alongside it, instead of
    /// starting a task for it (`RequestDispatcher.runsInline`). Anything
    /// that does I/O, awaits, or may take long keeps the default, false.
    var runsInline: Bool { get }
    /// Runs the op; any error is mapped to a wire error by `ErrorMapping`.
    func run(_ request: Request, context: RequestContext) async throws -> JSONObject
    /// Runs the op for the dispatcher: `run`'s fields and what the monitor
    /// records of the request. The default records success alone; `crawl`
    /// adds the page's status and pool use, typed, so nothing is read back
    /// out of the answer.
    func answer(_ request: Request, context: RequestContext) async throws -> OpAnswer
}

extension Op {
    var runsInline: Bool { false }

    func answer(_ request: Request, context: RequestContext) async throws -> OpAnswer {
        OpAnswer(fields: try await run(request, context: context))
    }
}

/// What an op answers: the fields of its `ok: true` line, and the outcome the monitor records.
struct OpAnswer: Sendable {
    var fields: JSONObject
    var outcome = MonitorOutcome(success: true)
}
