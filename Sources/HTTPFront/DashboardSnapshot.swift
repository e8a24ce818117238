import JSON
import Protocol

/// Everything one dashboard frame shows, read through the same ops as
/// `/monitor/*` and `/jobs`: one JSON object whose keys are the panels.
///
/// A panel whose op failed (`monitor.cluster` without Redis still answers;
/// a bug would not) carries `{"error": {code, message}}` instead, so one
/// broken panel never blanks the others.
enum DashboardSnapshot {
    /// Panel name, op, parameters.
    static let panels: [(String, String, JSONObject)] = [
        ("health", "monitor.health", [:]),
        ("pool", "monitor.pool", [:]),
        ("requests", "monitor.requests", [:]),
        ("endpoints", "monitor.endpoints", [:]),
        ("timeline_memory", "monitor.timeline", ["metric": "memory"]),
        ("timeline_requests", "monitor.timeline", ["metric": "requests"]),
        ("timeline_pool", "monitor.timeline", ["metric": "pool"]),
        ("janitor", "monitor.logs", ["kind": "janitor"]),
        ("errors", "monitor.logs", ["kind": "errors"]),
        ("cluster", "monitor.cluster", [:]),
        ("jobs", "job.list", [:]),
    ]

    static func make(with runner: OpRunner) async -> [UInt8] {
        var snapshot: JSONObject = ["type": "snapshot"]
        for (panel, op, parameters) in panels {
            do {
                snapshot[panel] = .object(try await runner.run(op, parameters))
            } catch {
                snapshot[panel] = ["error": ["code": .string(error.code.rawValue), "message": .string(error.message)]]
            }
        }
        return JSONValue.object(snapshot).encoded()
    }
}
