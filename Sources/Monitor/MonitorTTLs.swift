/// Lifetimes of the Redis keys, in seconds, from `CRAWLD_REDIS_TTL_*`.
///
/// Every key gets one, so a crawld that vanishes leaves nothing behind for
/// longer than its TTL. The heartbeat TTL decides how soon `monitor.cluster`
/// stops listing a dead instance.
public struct MonitorTTLs: Sendable, Hashable {
    public var active: Int
    public var completed: Int
    public var janitor: Int
    public var errors: Int
    public var endpoints: Int
    public var heartbeat: Int

    public init(active: Int = 300, completed: Int = 3600, janitor: Int = 3600, errors: Int = 3600, endpoints: Int = 86400, heartbeat: Int = 60) {
        self.active = active
        self.completed = completed
        self.janitor = janitor
        self.errors = errors
        self.endpoints = endpoints
        self.heartbeat = heartbeat
    }

    /// Defaults overridden by `CRAWLD_REDIS_TTL_ACTIVE`, `_COMPLETED`, `_JANITOR`,
    /// `_ERRORS`, `_ENDPOINTS`, `_HEARTBEAT` (positive integers).
    /// - Throws: `MonitorError(.invalidParameter)` naming a variable that is not a positive integer.
    public init(environment: [String: String]) throws(MonitorError) {
        self.init()
        func read(_ suffix: String, _ value: inout Int) throws(MonitorError) {
            let name = "CRAWLD_REDIS_TTL_\(suffix)"
            guard let text = environment[name] else { return }
            guard let seconds = Int(text), seconds > 0 else {
                throw MonitorError(.invalidParameter, "\(name) must be a positive number of seconds, got '\(text)'")
            }
            value = seconds
        }
        try read("ACTIVE", &active)
        try read("COMPLETED", &completed)
        try read("JANITOR", &janitor)
        try read("ERRORS", &errors)
        try read("ENDPOINTS", &endpoints)
        try read("HEARTBEAT", &heartbeat)
    }
}
