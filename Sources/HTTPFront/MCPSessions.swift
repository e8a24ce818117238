import FoundationEssentials
import MCP
import MCPBridge
import Protocol

/// The MCP sessions of `/mcp`: one MCP server (crawld's tools) on one of the
/// SDK's `StatelessHTTPServerTransport`s per `Mcp-Session-Id`.
///
/// Why the stateless transport under a session id of our own, not the SDK's
/// stateful one: the stateful transport answers every POST as an SSE stream
/// and keeps every message it ever sent, for replay, until the session ends;
/// an agent's session that crawls for a day would hold every page it read.
/// The stateless one answers each request with its `application/json`
/// response and keeps nothing once it is sent. crawld sends nothing
/// unasked (no progress notifications), so there is nothing to stream, and
/// GET is answered 405 as the specification allows. One transport per
/// session keeps JSON-RPC ids apart: two agents may both send id 1.
///
/// Each MCP session's tools run their ops on one `Protocol.Session`, as a
/// line client's requests run on its connection's: the `crawl` tool's
/// cookies and browser sessions last as long as the MCP session, and no
/// other agent's calls see them.
///
/// Sessions are bounded: one idle for `idleTimeout` is closed when the next
/// one opens, and at `limit` the least recently used one is closed. An agent
/// whose session was closed gets 404 and, as the specification says,
/// initializes a new one; agents rarely send DELETE, so without a bound a
/// long-running daemon would collect every session ever opened.
actor MCPSessions {
    private struct Session {
        let server: Server
        let transport: StatelessHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    private let dispatcher: any RequestDispatcher
    private let version: String
    private let limit: Int
    private let idleTimeout: Duration
    private var sessions: [String: Session] = [:]

    init(dispatcher: any RequestDispatcher, version: String, limit: Int, idleTimeout: Duration) {
        self.dispatcher = dispatcher
        self.version = version
        self.limit = limit
        self.idleTimeout = idleTimeout
    }

    /// Accept and Content-Type are the SDK's checks; Origin and the token were
    /// checked before the request got here (`RequestGuardMiddleware`), against
    /// the listener's own Host rather than the SDK's localhost-only list, so a
    /// listener bound to another address with a token still serves agents.
    private static let validation = StandardValidationPipeline(validators: [
        AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
    ])

    /// Opens a session: its id and the transport that will take its `initialize`.
    func open() async throws -> (id: String, transport: StatelessHTTPServerTransport) {
        let transport = StatelessHTTPServerTransport(validationPipeline: Self.validation)
        let server = await CrawldTools(ops: OpRunner(dispatcher: dispatcher, keepsSession: true)).server(version: version)
        try await server.start(transport: transport)
        let id = UUID().uuidString
        let now = ContinuousClock.now
        sessions[id] = Session(server: server, transport: transport, lastUsed: now)
        // Each close takes its session out before its first suspension, so
        // concurrent opens never leave more than `limit` sessions behind.
        for (stale, session) in sessions where now - session.lastUsed > idleTimeout { await close(stale, session) }
        while sessions.count > limit, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            await close(oldest.key, oldest.value)
        }
        return (id, transport)
    }

    /// The transport of session `id`, marked as used now; nil for an unknown or closed session.
    func transport(_ id: String) -> StatelessHTTPServerTransport? {
        sessions[id]?.lastUsed = .now
        return sessions[id]?.transport
    }

    /// Closes session `id` (DELETE, or an `initialize` that failed).
    /// - Returns: whether there was such a session.
    @discardableResult
    func close(_ id: String) async -> Bool {
        guard let session = sessions[id] else { return false }
        await close(id, session)
        return true
    }

    private func close(_ id: String, _ session: Session) async {
        sessions.removeValue(forKey: id)
        await session.server.stop()
    }
}
