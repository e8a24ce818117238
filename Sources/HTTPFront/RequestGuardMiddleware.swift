import Hummingbird
import Protocol

/// Who may talk to the HTTP side, checked before any route runs.
///
/// - With a token (`--token-file`), every route but the dashboard's static
///   page needs `Authorization: Bearer <token>`; a cookie is never read, so
///   a browser can be made to send nothing that authorizes a POST (no CSRF).
///   The dashboard's WebSocket takes the token in its first message instead
///   (browsers cannot set headers on one), see `DashboardSocket`.
/// - Whatever the token, a POST, a WebSocket upgrade or any request to `/mcp`
///   whose `Origin` is not the `Host` it was sent to is refused: another
///   site's page can make an operator's browser send a form POST to
///   127.0.0.1 without asking anyone, and MCP's Streamable HTTP transport
///   requires the check on every request against DNS rebinding.
/// - Without a token, the `Host` must be an address or `localhost`: a name
///   that resolves to 127.0.0.1 (DNS rebinding) would make another site's
///   page same-origin with this listener.
/// - No CORS headers are ever sent, so no other origin can read an answer.
struct RequestGuardMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let token: [UInt8]?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        if token == nil, let host, !Self.isAddress(host) {
            return refuse(.forbidden, "Host '\(host.prefix(100))' is not an address; without --token-file only 127.0.0.1, [::1], localhost or an IP are served")
        }
        if request.method == .post || request.headers[.upgrade] != nil || request.uri.path == "/mcp", let origin = request.headers[.origin], !Self.origin(origin, isHost: host) {
            return refuse(.forbidden, "cross-origin request from '\(origin.prefix(100))' refused")
        }
        if let token, !Self.isPublic(request.uri.path) {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                TokenComparison.equal(Array(header.utf8.dropFirst(7)), token)
            else {
                return refuse(.unauthorized, "send the token as 'Authorization: Bearer <token>'")
            }
        }
        return try await next(request, context)
    }

    private func refuse(_ code: ErrorCode, _ message: String) -> Response {
        OpResponder.response(for: ProtocolError(code, message))
    }

    /// The dashboard's page and assets hold no data, and the page must load
    /// to ask for the token; the WebSocket checks the token itself.
    static func isPublic(_ path: String) -> Bool {
        path == "/" || path == "/dashboard" || path.hasPrefix("/dashboard/")
    }

    /// `127.0.0.1:7071`, `[::1]:7071`, `localhost:7071`: a literal address or localhost, with or without a port.
    static func isAddress(_ authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") { return host.contains("]") }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host.lowercased() == "localhost" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether `Origin` (`http://127.0.0.1:7071`) names the authority the request was sent to.
    static func origin(_ origin: String, isHost host: String?) -> Bool {
        guard let host, let schemeEnd = origin.range(of: "://") else { return false }
        return origin[schemeEnd.upperBound...].lowercased() == host.lowercased()
    }
}
