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
