import Hummingbird
import JSON
import NIOCore
import Protocol

/// Answers an `OpRoute` by running its op through the daemon's dispatcher,
/// the same one the line protocol uses: parameter checks, the op itself,
/// error mapping and the monitor's request record are all the line
/// protocol's, so the two transports cannot drift apart.
///
/// The body is the op's answer line with `id: null`, byte for byte what a
/// line client would read; the HTTP status says the outcome
/// (`HTTPStatusMapping`).
struct OpResponder: Sendable {
    let runner: OpRunner
    let maximumBodyBytes: Int

    func respond(_ route: OpRoute, request: Hummingbird.Request, context: some Hummingbird.RequestContext) async -> Response {
        do {
            // The bearer token was checked by `RequestGuardMiddleware`.
            let fields = try await runner.run(route.op, try await parameters(route, request: request, context: context))
            return Self.json(.ok, AnswerLine.success(id: .null, fields))
        } catch {
            return Self.response(for: error)
        }
    }

    /// The op's parameters: the route's fixed ones, the path's, the query's,
    /// and a POST's JSON object body (an empty body is no parameters).
    private func parameters(_ route: OpRoute, request: Hummingbird.Request, context: some Hummingbird.RequestContext) async throws(ProtocolError) -> JSONObject {
        var values = JSONObject()
        if request.method == .post {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumBodyBytes)
            } catch {
                throw ProtocolError(.badRequest, "the body is over \(maximumBodyBytes) bytes")
            }
            if body.readableBytes > 0 {
                let value: JSONValue
                do {
                    value = try JSONValue.parse(Array(body.readableBytesView))
                } catch {
                    throw ProtocolError(.badJSON, "the body is not JSON: \(error)")
                }
                guard case .object(let object) = value else { throw ProtocolError(.badRequest, "the body must be a JSON object, got \(value.typeName)") }
                values = object
            }
        }
        for (key, value) in request.uri.queryParameters {
            let key = String(key)
            if route.integerKeys.contains(key) {
                guard let number = Int64(value) else { throw ProtocolError(.badRequest, "'\(key)' must be an integer, got '\(value)'") }
                values[key] = .int(number)
            } else {
                values[key] = .string(String(value))
            }
        }
        if let job = context.parameters.get("job") { values["job"] = .string(job) }
        for (key, value) in route.fixed { values[key] = .string(value) }
        return values
    }

    static func response(for error: any Error) -> Response {
        let wire = error as? ProtocolError ?? ProtocolError(.internal, "\(error)")
        return json(HTTPStatusMapping.status(for: wire.code), AnswerLine.failure(id: .null, wire))
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
