import FoundationEssentials
import HTTPTypes
import Hummingbird
import JSON
import MCP
import NIOCore

/// `/mcp`: MCP's Streamable HTTP transport on the `--http` listener, serving
/// the tools of `crawld mcp` (`CrawldTools`) with the daemon's ops run in
/// process.
///
/// - POST carries one JSON-RPC message. Without `Mcp-Session-Id` it must be
///   `initialize`, which opens a session and answers with its id; with one,
///   it goes to that session (404 for an unknown or closed one, so the agent
///   initializes again). Answers are `application/json`.
/// - DELETE with `Mcp-Session-Id` ends the session.
/// - GET is 405: crawld sends nothing unasked, so there is no stream to open.
///
/// The token and `Origin` were checked by `RequestGuardMiddleware` before
/// any of this runs.
struct MCPEndpoint: Sendable {
    let sessions: MCPSessions
    /// A `crawl_many` of a thousand URLs fits; the line protocol's own line
    /// limit is the same.
    let maximumBodyBytes: Int

    static let sessionHeader = HTTPField.Name(MCP.HTTPHeaderName.sessionID)!

    func respond(_ request: Hummingbird.Request) async -> Response {
        switch request.method {
        case .post: await post(request)
        case .delete: await delete(request)
        default: Self.response(.error(statusCode: 405, .invalidRequest("Method Not Allowed: crawld's MCP endpoint takes POST and DELETE"), extraHeaders: ["Allow": "POST, DELETE"]))
        }
    }

    private func post(_ request: Hummingbird.Request) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch {
            return Self.response(.error(statusCode: 413, .invalidRequest("the body is over \(maximumBodyBytes) bytes")))
        }
        let message = Self.message(request, body: body)
        if let id = request.headers[Self.sessionHeader] {
            guard let transport = await sessions.transport(id) else { return Self.unknownSession() }
            return Self.response(await transport.handleRequest(message))
        }
        guard Self.isInitialize(body) else {
            return Self.response(.error(statusCode: 400, .invalidRequest("Bad Request: send 'initialize' first, then the Mcp-Session-Id it answers with")))
        }
        let session: (id: String, transport: StatelessHTTPServerTransport)
        do {
            session = try await sessions.open()
        } catch {
            return Self.response(.error(statusCode: 500, .internalError("the session did not start: \(error)")))
        }
        let answer = await session.transport.handleRequest(message)
        guard answer.statusCode == 200 else {
            await sessions.close(session.id)
            return Self.response(answer)
        }
        var response = Self.response(answer)
        response.headers[Self.sessionHeader] = session.id
        return response
    }

    private func delete(_ request: Hummingbird.Request) async -> Response {
        guard let id = request.headers[Self.sessionHeader] else {
            return Self.response(.error(statusCode: 400, .invalidRequest("Bad Request: DELETE needs the Mcp-Session-Id header")))
        }
        guard await sessions.close(id) else { return Self.unknownSession() }
        return Self.response(.ok())
    }

    private static func unknownSession() -> Response {
        response(.error(statusCode: 404, .invalidRequest("Not Found: no such session (it ended, or expired); initialize a new one")))
    }

    /// Whether the body is a JSON-RPC `initialize` request.
    private static func isInitialize(_ body: ByteBuffer) -> Bool {
        (try? JSONValue.parse(Array(body.readableBytesView)))?.objectValue?["method"] == "initialize"
    }

    /// The request as the SDK's transport reads it.
    private static func message(_ request: Hummingbird.Request, body: ByteBuffer) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = headers[field.name.canonicalName].map { "\($0), \(field.value)" } ?? field.value }
        return MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: Data(body.readableBytesView), path: request.uri.path)
    }

    /// The SDK's answer as Hummingbird's. The stateless transport never streams, so the body is whole.
    private static func response(_ answer: MCP.HTTPResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { headers[name] = value }
        }
        headers[.cacheControl] = "no-store"
        let body = answer.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
        return Response(status: .init(code: answer.statusCode), headers: headers, body: body)
    }
}
