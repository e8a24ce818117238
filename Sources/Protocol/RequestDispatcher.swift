import JSON
import Synchronization

/// Runs decoded requests. The daemon implements it with its op registry; the
/// server knows nothing of operations.
public protocol RequestDispatcher: Sendable {
    /// Runs one request and returns the fields of its final `ok: true` line.
    ///
    /// Called on a task, never on an event loop thread. May send event lines
    /// through `context.events` before returning.
    /// - Throws: the wire error that becomes the final `ok: false` line.
    func dispatch(_ request: Request, context: RequestContext) async throws(ProtocolError) -> JSONObject

    /// Whether `dispatch` answers this request at once, without suspending
    /// (`ping`, `auth`, reads of in-memory state, and every request refused
    /// before it runs).
    ///
    /// The server runs such a request on the connection's own task and
    /// gathers its answer with the others of the same read into one write,
    /// instead of starting a child task and writing each answer alone: for a
    /// request that takes a microsecond, the task and the write were most of
    /// its cost. A request that may wait (I/O, a lock held across `await`,
    /// a long computation) must answer false, or it holds up the requests
    /// behind it on its connection.
    func runsInline(_ request: Request) -> Bool
}

extension RequestDispatcher {
    /// By default every request runs on a task of its own.
    public func runsInline(_ request: Request) -> Bool { false }
}

/// What a request knows of where it came from.
public struct RequestContext: Sendable {
    public let session: Session
    public let events: EventSink

    public init(session: Session, events: EventSink) {
        self.session = session
        self.events = events
    }
}

/// One client connection's state that outlives a single request.
public final class Session: Sendable {
    /// A number unique within this process, for logs.
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

    /// - Parameter peerAddress: the peer's IP address; `peer` when nil (a unix socket, a probe).
    public init(connectionID: Int, peer: String, peerAddress: String? = nil, authenticated: Bool) {
        self.connectionID = connectionID
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

/// Sends event lines (`{"id":…, "event":…}`) for the request it was made for.
public struct EventSink: Sendable {
    private let write: @Sendable ([UInt8]) async throws -> Void
    private let writable: @Sendable () -> Bool
    private let id: JSONValue

    /// - Parameter isWritable: whether the connection takes more bytes now
    ///   without waiting (NIO's writability: its outbound buffer is under the
    ///   high watermark).
    public init(id: JSONValue, isWritable: @escaping @Sendable () -> Bool = { true }, write: @escaping @Sendable ([UInt8]) async throws -> Void) {
        self.id = id
        self.writable = isWritable
        self.write = write
    }

    /// Sends one event line. Waits while the client is not reading (the
    /// socket's backpressure), and throws once the connection is gone, so a
    /// long operation watching a closed connection stops.
    public func send(_ event: String, _ fields: JSONObject) async throws {
        try await write(AnswerLine.event(id: id, event, fields))
    }

    /// The event line `send` would write, for a caller that queues lines
    /// itself and needs their size.
    public func line(_ event: String, _ fields: JSONObject) -> [UInt8] {
        AnswerLine.event(id: id, event, fields)
    }

    /// Writes a line made by `line(_:_:)`; waits as `send` does.
    public func send(line: [UInt8]) async throws {
        try await write(line)
    }

    /// Whether a line written now is taken without waiting. A stream that
    /// must not wait on a slow reader keeps its lines while this is false.
    public var isWritable: Bool { writable() }
}
