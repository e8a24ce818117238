/// `--http HOST:PORT` and what the HTTP side needs besides the daemon's ops.
public struct HTTPFrontConfiguration: Sendable {
    /// Loopback unless the operator says otherwise: the monitor shows URLs
    /// and errors, and its POST routes close engines.
    public var host: String
    /// 0 picks a free port (tests); the bound one is logged.
    public var port: Int
    /// `--token-file`'s token: when set, every route but the dashboard's
    /// static page needs `Authorization: Bearer <token>`.
    public var token: [UInt8]?
    /// How often the dashboard's WebSocket is sent a snapshot while its
    /// auto-refresh is on: as fine as the timeline's 5 s points need and
    /// coarse enough that an open dashboard costs the daemon nothing it
    /// would notice (docs/benchmarks.md, "HTTP listener").
    public var pushInterval: Duration = .seconds(2)
    /// The largest POST body read; the actions take a signature at most.
    public var maximumBodyBytes = 64 << 10
    /// crawld's version, which `/mcp` reports as its server's.
    public var version = "unknown"
    /// At most this many MCP sessions at once; opening one more closes the
    /// least recently used (`MCPSessions`).
    public var mcpSessionLimit = 64
    /// An MCP session unused this long is closed when another one opens.
    public var mcpIdleTimeout: Duration = .seconds(15 * 60)
    /// The largest MCP message read: a `crawl_many` or `job_submit` of a
    /// thousand URLs fits, as on the line protocol (1 MiB a line).
    public var mcpMaximumBodyBytes = 1 << 20
    /// Connections held at once; past it the listener stops accepting and
    /// new ones wait in the kernel's backlog. The daemon sets it from its
    /// file-descriptor budget (`DescriptorBudget.httpConnections`).
    public var maximumConnections = 256
    /// `--http-timeout`: how long a connection's first request head may take
    /// to arrive (`FirstRequestGuardedChannel`), a dashboard socket's first
    /// message, its token (`DashboardSocket`), and how long a connection may
    /// stay idle after its last answer (Hummingbird's idle timeout; an answer
    /// being written and a dashboard socket are not idle). Without them such
    /// connections held places under the ceiling for good. nginx's
    /// `client_header_timeout` is the default's model: long enough for a
    /// client stalled by its own machine, short enough to free the places.
    public var clientTimeout: Duration = .seconds(60)

    public init(host: String, port: Int, token: [UInt8]?) {
        self.host = host
        self.port = port
        self.token = token
    }
}
