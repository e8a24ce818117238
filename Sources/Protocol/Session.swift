import Synchronization

/// One client connection's state that outlives a single request.
public final class Session: Sendable {
    /// A number unique within this process, whichever transport made the
    /// session (a line connection, an HTTP or `/mcp` call, the watchdog's
    /// probe): logs name the connection by it, and per-connection state
    /// is keyed by it (the `crawl` op's browser sessions), so two clients
    /// can never share that state by having the same number.
    public let connectionID: Int
    /// The peer, as NIO describes it (`[IPv4]127.0.0.1/127.0.0.1:53122`).
    public let peer: String
    /// The peer's IP address without its port (`127.0.0.1`): what per-client
    /// limits count by, since one client may open many connections.
    public let peerAddress: String
    private let authenticatedFlag: Atomic<Bool>
    private let closeFlag = Atomic<Bool>(false)
    private let authFailureCount = Atomic<Int>(0)
    private let attachments = Mutex<[ObjectIdentifier: any Sendable]>([:])

    /// Where `connectionID`s come from: one counter for the whole process.
    private static let lastConnectionID = Atomic<Int>(0)

    /// - Parameter peerAddress: the peer's IP address; `peer` when nil (a unix socket, a probe).
    public init(peer: String, peerAddress: String? = nil, authenticated: Bool) {
        self.connectionID = Self.lastConnectionID.wrappingAdd(1, ordering: .relaxed).newValue
        self.peer = peer
        self.peerAddress = peerAddress ?? peer
        self.authenticatedFlag = Atomic(authenticated)
    }

    /// Whether this connection may run operations other than `auth`.
    public var isAuthenticated: Bool { authenticatedFlag.load(ordering: .acquiring) }

    /// Marks the connection authenticated (after a correct `auth`).
    public func markAuthenticated() {
        authenticatedFlag.store(true, ordering: .releasing)
    }

    /// Counts one failed `auth` on this connection.
    /// - Returns: the failures so far, this one included.
    public func recordAuthFailure() -> Int {
        authFailureCount.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Asks the server to close this connection once the current answer is
    /// written (e.g. after too many wrong tokens); requests read after it
    /// are not run.
    public func closeAfterAnswer() {
        closeFlag.store(true, ordering: .releasing)
    }

    /// Whether `closeAfterAnswer()` was called.
    public var isClosing: Bool { closeFlag.load(ordering: .acquiring) }

    /// This connection's value of type `Value`, made by `make` on first use:
    /// state an op keeps per connection (the `crawl` op's cookie jar), freed
    /// with the connection, without Protocol knowing its type.
    public func attachment<Value: Sendable>(_ make: () -> Value) -> Value {
        attachments.withLock { values in
            if let value = values[ObjectIdentifier(Value.self)] as? Value { return value }
            let value = make()
            values[ObjectIdentifier(Value.self)] = value
            return value
        }
    }
}
