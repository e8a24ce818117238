/// The server's limits, from the command line (`crawld --help`).
public struct LineServerConfiguration: Sendable {
    public var host: String
    /// 0 asks the kernel for a free port; `LineServer.onBound` reports it.
    public var port: Int
    /// Longest line accepted; longer ones get `line_too_long`.
    public var maximumLineBytes: Int
    /// Connections past this get one `busy` line and are closed.
    public var maximumConnections: Int
    /// Requests in flight per connection before reading pauses.
    public var maximumInflightPerConnection: Int
    /// How long requests in flight may take to finish once draining starts.
    public var drainTimeout: Duration
    /// When true, a connection must `auth` before any other operation.
    public var requiresAuthentication: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 7070,
        maximumLineBytes: Int = 1 << 20,
        maximumConnections: Int = 10_000,
        maximumInflightPerConnection: Int = 64,
        drainTimeout: Duration = .seconds(30),
        requiresAuthentication: Bool = false
    ) {
        self.host = host
        self.port = port
        self.maximumLineBytes = maximumLineBytes
        self.maximumConnections = maximumConnections
        self.maximumInflightPerConnection = maximumInflightPerConnection
        self.drainTimeout = drainTimeout
        self.requiresAuthentication = requiresAuthentication
    }
}
