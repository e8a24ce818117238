import JSON
import Protocol

/// `ping`: the cheapest round trip, for health checks and benchmarks.
struct PingOp: Op {
    let name = "ping"
    let parameterKeys: Set<String> = []
    let runsInline = true

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        ["pong": true, "version": .string(CrawldVersion.current)]
    }
}
