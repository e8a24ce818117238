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

    public init(
        scriptsDirectory: String,
        server: LineServerConfiguration,
        redisURL: String?,
        instanceID: String,
        authToken: [UInt8]?
    ) {
        self.scriptsDirectory = scriptsDirectory
        self.server = server
        self.redisURL = redisURL
        self.instanceID = instanceID
        self.authToken = authToken
    }
}
