import HTTPTypes

/// One HTTP route that runs a line-protocol op: the HTTP side has no
/// implementation of its own, it turns the path, the query and the body into
/// the op's parameters and answers what the op answered.
struct OpRoute: Sendable {
    let method: HTTPRequest.Method
    /// Hummingbird's path syntax: `/jobs/:job` binds the `job` parameter.
    let path: String
    let op: String
    /// Parameters the path fixes (`/monitor/logs/janitor` is `kind: janitor`).
    var fixed: [String: String] = [:]
    /// Query keys read as integers (`limit=5` is the number 5); every other
    /// query value stays a string, since an engine signature may be all digits.
    var integerKeys: Set<String> = []

    /// The routes of docs/protocol.md, "HTTP".
    static let all: [OpRoute] = [
        OpRoute(method: .get, path: "/monitor/health", op: "monitor.health"),
        OpRoute(method: .get, path: "/monitor/requests", op: "monitor.requests", integerKeys: ["limit"]),
        OpRoute(method: .get, path: "/monitor/pool", op: "monitor.pool"),
        OpRoute(method: .get, path: "/monitor/endpoints", op: "monitor.endpoints"),
        OpRoute(method: .get, path: "/monitor/timeline", op: "monitor.timeline", integerKeys: ["window"]),
        OpRoute(method: .get, path: "/monitor/logs/janitor", op: "monitor.logs", fixed: ["kind": "janitor"], integerKeys: ["limit"]),
        OpRoute(method: .get, path: "/monitor/logs/errors", op: "monitor.logs", fixed: ["kind": "errors"], integerKeys: ["limit"]),
        OpRoute(method: .get, path: "/monitor/cluster", op: "monitor.cluster"),
        OpRoute(method: .post, path: "/monitor/actions/cleanup", op: "pool.cleanup"),
        OpRoute(method: .post, path: "/monitor/actions/kill", op: "pool.kill"),
        OpRoute(method: .post, path: "/monitor/actions/restart", op: "pool.restart"),
        OpRoute(method: .post, path: "/monitor/stats/reset", op: "stats.reset"),
        OpRoute(method: .get, path: "/jobs", op: "job.list"),
        OpRoute(method: .get, path: "/jobs/:job", op: "job.status"),
        OpRoute(method: .post, path: "/jobs/:job/cancel", op: "job.cancel"),
    ]
}
