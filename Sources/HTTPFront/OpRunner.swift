import JSON
import Protocol

/// Runs one op through a dispatcher the way a line client's request runs,
/// for a caller the HTTP side has already authorized (bearer token, or the
/// dashboard socket's first message): the dispatcher's own `auth` gate is
/// the line protocol's, so its calls run on authenticated sessions.
final class OpRunner: Sendable {
    let dispatcher: any RequestDispatcher
    /// The session every call runs on (an `/mcp` session's, which is to its
    /// agent what a connection is to a line client: one cookie jar, its
    /// browser sessions); nil gives each call a session of its own.
    private let session: Session?

    /// - Parameter keepsSession: run every call on one session (an `/mcp`
    ///   session's), else each on a session of its own.
    init(dispatcher: any RequestDispatcher, keepsSession: Bool = false) {
        self.dispatcher = dispatcher
        self.session = keepsSession ? Self.callerSession() : nil
    }

    /// An authorized HTTP caller's session; every HTTP caller counts as the one client `http`.
    private static func callerSession() -> Session {
        Session(peer: "http", authenticated: true)
    }

    /// - Returns: the fields of the op's `ok: true` line.
    /// - Throws: the op's wire error.
    func run(_ op: String, _ parameters: JSONObject = [:]) async throws(ProtocolError) -> JSONObject {
        let session = self.session ?? Self.callerSession()
        // No HTTP route runs an op that streams events (job.watch stays on the line protocol).
        let context = Protocol.RequestContext(session: session, events: EventSink(id: .null) { _ in })
        return try await dispatcher.dispatch(Protocol.Request(id: .null, op: op, parameters: Protocol.Parameters(parameters)), context: context)
    }
}
