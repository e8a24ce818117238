import JSON
import Logging
import Protocol

/// The frozen op table: authenticates, validates parameter keys, runs the op,
/// maps its error to the wire, and tells the observer.
struct OpDispatcher: RequestDispatcher {
    let ops: [String: any Op]
    let logger: Logger
    let observer: any RequestObserver

    func dispatch(_ request: Request, context: RequestContext) async throws(ProtocolError) -> JSONObject {
        var logger = logger
        logger[metadataKey: "crawld.request.id"] = "\(request.id.encodedString())"
        logger[metadataKey: "crawld.op"] = "\(request.op)"

        guard let op = ops[request.op] else {
            throw ProtocolError(.unknownOp, "unknown op '\(request.op)'; known: \(ops.keys.sorted().joined(separator: ", "))")
        }
        if !context.session.isAuthenticated && op.name != "auth" {
            throw ProtocolError(.unauthorized, "this connection must send {\"op\":\"auth\",\"token\":…} first")
        }
        try request.parameters.rejectUnknownKeys(allowed: op.parameterKeys)

        let token = observer.started(request)
        let result: Result<JSONObject, ProtocolError>
        do {
            result = .success(try await op.run(request, context: context))
        } catch {
            let wire = ErrorMapping.protocolError(for: error)
            if wire.code == .internal {
                logger.error("internal error", metadata: ["crawld.error": "\(error)"])
            } else {
                logger.debug("request failed", metadata: ["crawld.error": "\(wire)"])
            }
            result = .failure(wire)
        }
        observer.ended(token, result: result)
        return try result.get()
    }
}
