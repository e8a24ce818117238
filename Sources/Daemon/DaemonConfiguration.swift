import Protocol

/// Everything the daemon is started with; `crawld` fills it from the command
/// line and `CRAWLD_*` environment variables.
public struct DaemonConfiguration: Sendable {
    /// The folder holding policies.lua and extract.lua.
    public var scriptsDirectory: String
    public var server: LineServerConfiguration
    /// `redis://…` or a unix socket path; nil runs with in-memory state only.
    public var redisURL: String?
    /// This instance's name in Redis keys and `monitor.cluster`.
    public var instanceID: String
    /// When set, connections must `auth` with this token first.
    public var authToken: [UInt8]?
    /// Refuse crawl targets that resolve to loopback, private or link-local addresses.
    public var denyPrivate: Bool
    /// Every job output path is relative to this folder.
    public var outputDirectory: String
    /// Where job checkpoints are kept.
    public var stateDirectory: String
    /// Time between two heartbeats into Redis.
    public var heartbeatInterval: Duration
    /// `HOST:PORT` to send circus-style `pid;timestamp` heartbeats to.
    public var watchdogUDP: String?
    /// Time between two UDP heartbeats.
    public var watchdogInterval: Duration

    public init(
        scriptsDirectory: String,
        server: LineServerConfiguration,
        redisURL: String?,
        instanceID: String,
        authToken: [UInt8]?,
        denyPrivate: Bool = false,
        outputDirectory: String = "./output",
        stateDirectory: String = "./state",
        heartbeatInterval: Duration = .seconds(30),
        watchdogUDP: String? = nil,
        watchdogInterval: Duration = .seconds(10)
    ) {
        self.scriptsDirectory = scriptsDirectory
        self.server = server
        self.redisURL = redisURL
        self.instanceID = instanceID
        self.authToken = authToken
        self.denyPrivate = denyPrivate
        self.outputDirectory = outputDirectory
        self.stateDirectory = stateDirectory
        self.heartbeatInterval = heartbeatInterval
        self.watchdogUDP = watchdogUDP
        self.watchdogInterval = watchdogInterval
    }
}
