import JSON
import Monitor
import Protocol

/// `monitor.health`: memory, CPU, network, uptime, pool tiers, pressure, Redis, scripts.
struct MonitorHealthOp: Op {
    let name = "monitor.health"
    let parameterKeys: Set<String> = []
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        monitor.health()
    }
}

/// `monitor.requests {status, limit}`: active and completed requests.
struct MonitorRequestsOp: Op {
    let name = "monitor.requests"
    let parameterKeys: Set<String> = ["status", "limit"]
    let runsInline = true
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try monitor.requests(status: try request.parameters.string("status"), limit: try request.parameters.int("limit"))
    }
}

/// `monitor.endpoints`: per-op count, latency, success %, pool hit %, errors.
struct MonitorEndpointsOp: Op {
    let name = "monitor.endpoints"
    let parameterKeys: Set<String> = []
    let runsInline = true
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        monitor.endpoints()
    }
}

/// `monitor.timeline {metric, window}`: memory, requests or pool over 5 minutes.
struct MonitorTimelineOp: Op {
    let name = "monitor.timeline"
    let parameterKeys: Set<String> = ["metric", "window"]
    let runsInline = true
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try monitor.timeline(metric: try request.parameters.requiredString("metric"), window: try request.parameters.int("window"))
    }
}

/// `monitor.logs {kind, limit}`: janitor events or errors.
struct MonitorLogsOp: Op {
    let name = "monitor.logs"
    let parameterKeys: Set<String> = ["kind", "limit"]
    let runsInline = true
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try monitor.logs(kind: try request.parameters.requiredString("kind"), limit: try request.parameters.int("limit"))
    }
}

/// `monitor.cluster`: live instances seen through Redis heartbeats.
struct MonitorClusterOp: Op {
    let name = "monitor.cluster"
    let parameterKeys: Set<String> = []
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        await monitor.cluster()
    }
}

/// `stats.reset`: counters zeroed here and in Redis.
struct StatsResetOp: Op {
    let name = "stats.reset"
    let parameterKeys: Set<String> = []
    let runsInline = true
    let monitor: Monitor

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        monitor.resetStats()
    }
}
