import FoundationEssentials

/// Who this instance is and how the monitor persists and samples.
public struct MonitorConfiguration: Sendable {
    public var instanceID: InstanceID
    /// Key prefix, `crawld` by default: keys read `crawld:{id}:completed`.
    public var keyPrefix: String
    public var ttls: MonitorTTLs
    /// How often the heartbeat key is refreshed (it expires after `ttls.heartbeat`).
    public var heartbeatInterval: Duration
    /// How often recorded changes are handed to Redis, coalesced into one
    /// pipelined round trip. One second keeps it at most 20 round trips per
    /// 1,000 requests from 50 requests/s up (about 10 at 100/s; below that
    /// the cost is at most one round trip a second), while figures in Redis
    /// lag by at most that much; the monitor ops read memory, never Redis.
    /// A flush with nothing new sends nothing.
    public var flushInterval: Duration
    /// Resolution of the timeline (60 points are kept).
    public var sampleInterval: Duration
    /// Memory % at or above which pressure reads MEDIUM, and HIGH.
    public var mediumPressurePercent: Double
    public var highPressurePercent: Double
    /// Shown in heartbeats and `monitor.cluster`.
    public var version: String
    public var listen: String
    public var hostname: String
    public var pid: Int32

    public init(instanceID: InstanceID, version: String, listen: String) {
        self.instanceID = instanceID
        self.keyPrefix = "crawld"
        self.ttls = MonitorTTLs()
        self.heartbeatInterval = .seconds(30)
        self.flushInterval = .seconds(1)
        self.sampleInterval = .seconds(5)
        self.mediumPressurePercent = 70
        self.highPressurePercent = 85
        self.version = version
        self.listen = listen
        self.hostname = ProcessInfo.processInfo.hostName
        self.pid = ProcessInfo.processInfo.processIdentifier
    }
}

/// The Redis keys of one instance, as docs/operations.md, "Redis keys", lists them.
struct MonitorKeys: Sendable {
    let active: String
    let completed: String
    let janitor: String
    let errors: String
    let endpoints: String
    let heartbeat: String
    let instances: String
    let prefix: String

    init(prefix: String, id: InstanceID) {
        self.prefix = prefix
        active = "\(prefix):\(id):active"
        completed = "\(prefix):\(id):completed"
        janitor = "\(prefix):\(id):janitor"
        errors = "\(prefix):\(id):errors"
        endpoints = "\(prefix):\(id):endpoints"
        heartbeat = "\(prefix):heartbeat:\(id)"
        instances = "\(prefix):instances"
    }

    func heartbeat(of id: String) -> String { "\(prefix):heartbeat:\(id)" }
}
