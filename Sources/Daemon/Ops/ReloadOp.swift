import JSON
import Protocol

/// `reload`: the same as SIGHUP. Answers the new generation, or
/// `script_error` with the exact reason while the old scripts stay live.
struct ReloadOp: Op {
    let name = "reload"
    let parameterKeys: Set<String> = []
    let reloader: ScriptReloader

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        ["generation": .int(Int64(try await reloader.reload()))]
    }
}
