import AsyncHTTPClient
import JSON
import NIOCore
import NIOHTTP1
import TestSupport

/// A real HTTP client (AsyncHTTPClient) aimed at one crawld's `--http` listener.
struct HTTPTestClient {
    let base: String
    var token: String?

    /// `HOST:PORT` of the listener, for a `Host` header and raw connections.
    var authority: String { String(base.dropFirst("http://".count)) }
    /// The listener's port, for raw connections (`LineClient`).
    var port: Int { Int(authority.split(separator: ":").last!)! }

    /// A whole `GET /monitor/health` request, for raw connections.
    var healthRequest: [UInt8] { Array("GET /monitor/health HTTP/1.1\r\nHost: \(authority)\r\n\r\n".utf8) }

    /// A raw connection that asked for the dashboard's WebSocket, with the
    /// header lines in `extra` (an HTTP client library will not send an
    /// upgrade it does not handle); its next line is the answer's status.
    func askForDashboardSocket(extra: String = "") async throws -> LineClient {
        let raw = try await LineClient.connect(port: port)
        try await raw.send(
            "GET /dashboard/live HTTP/1.1\r\nHost: \(authority)\r\n\(extra)Connection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        return raw
    }

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: String
        /// The body parsed as a JSON object (empty when it is not one).
        var json: JSONObject { (try? JSONValue.parse(body))?.objectValue ?? [:] }
        var errorCode: String? { json["error"]?.objectValue?["code"]?.stringValue }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        try await send(.GET, path, headers: headers)
    }

    func post(_ path: String, body: String = "", headers: [(String, String)] = []) async throws -> Answer {
        try await send(.POST, path, body: body, headers: headers)
    }

    func send(_ method: HTTPMethod, _ path: String, body: String = "", headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if !body.isEmpty {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}
