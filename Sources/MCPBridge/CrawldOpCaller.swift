import JSON

/// What runs crawld's ops for the MCP tools: the stdio bridge's `DaemonLink` (a line-protocol
/// connection to a running daemon) or the HTTP side's in-process dispatcher. The tools are
/// written once against this, so both transports serve exactly the same tools.
public protocol CrawldOpCaller: Sendable {
    /// Runs `request` (`op` and its parameters, no `id`) and returns its final answer as the
    /// line protocol writes it: `ok: true` with the op's fields, or `ok: false` with
    /// `error: {code, message}`.
    func request(_ request: JSONObject) async throws -> JSONObject
}
