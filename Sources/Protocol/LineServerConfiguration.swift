import NIOSSL

/// The server's limits, from the command line (`crawld --help`).
public struct LineServerConfiguration: Sendable {
    public var host: String
    /// 0 asks the kernel for a free port; `LineServer.onBound` reports it.
    public var port: Int
    /// Longest line accepted; longer ones get `line_too_long`.
    public var maximumLineBytes: Int
    /// Longest line accepted before the connection's `auth` succeeds (when a
    /// token is required); an `auth` line is short.
    public var maximumUnauthenticatedLineBytes: Int
    /// Bytes of partial lines (no newline yet) all connections may hold
    /// together; past it the connection holding the longest one is closed
    /// with a final `line_too_long` line (`PartialLineLedger`).
    public var partialLineBudgetBytes: Int
    /// Connections past this get one `busy` line and are closed.
    public var maximumConnections: Int
    /// Requests in flight per connection before reading pauses.
    public var maximumInflightPerConnection: Int
    /// How long requests in flight may take to finish once draining starts.
    public var drainTimeout: Duration
    /// When true, a connection must `auth` before any other operation.
    public var requiresAuthentication: Bool
    /// When authentication is required, a connection that has not
    /// authenticated this long after connecting gets a final `unauthorized`
    /// line and is closed. A deadline from the connect rather than an idle
    /// timer, so that a client trickling a byte at a time cannot hold a
    /// connection open without ever authenticating.
    public var authTimeout: Duration
    /// When set, the listener speaks TLS only (`--tls-cert`, `--tls-key`).
    public var tls: NIOSSLContext?

    public init(
        host: String = "127.0.0.1",
        port: Int = 7070,
        maximumLineBytes: Int = 1 << 20,
        maximumUnauthenticatedLineBytes: Int = 4096,
        partialLineBudgetBytes: Int = 64 << 20,
        maximumConnections: Int = 10_000,
        maximumInflightPerConnection: Int = 64,
        drainTimeout: Duration = .seconds(30),
        requiresAuthentication: Bool = false,
        authTimeout: Duration = .seconds(10),
        tls: NIOSSLContext? = nil
    ) {
        self.host = host
        self.port = port
        self.maximumLineBytes = maximumLineBytes
        self.maximumUnauthenticatedLineBytes = maximumUnauthenticatedLineBytes
        self.partialLineBudgetBytes = partialLineBudgetBytes
        self.maximumConnections = maximumConnections
        self.maximumInflightPerConnection = maximumInflightPerConnection
        self.drainTimeout = drainTimeout
        self.requiresAuthentication = requiresAuthentication
        self.authTimeout = authTimeout
        self.tls = tls
    }
}
