import JSON
import Logging
import Protocol

/// The frozen op table: authenticates, validates parameter keys, runs the op,
/// maps its error to the wire, and tells the observer.
struct OpDispatcher: RequestDispatcher {
    let ops: [String: any Op]
    let logger: Logger
    /// nil for the dashboard's periodic reads, which nobody asked for (`HTTPFront.service`).
    let observer: RequestObserver?

    /// Unknown ops are refused before anything runs, so they are answered
    /// inline too.
    func runsInline(_ request: Request) -> Bool {
        ops[request.op]?.runsInline ?? true
    }

    func dispatch(_ request: Request, context: RequestContext) async throws(ProtocolError) -> JSONObject {
        guard let op = ops[request.op] else {
            // Before auth a stranger learns only that auth exists, not what
            // else this daemon can be asked to do.
            let known = context.session.isAuthenticated ? ops.keys.sorted().joined(separator: ", ") : "auth (this connection must authenticate first)"
            throw ProtocolError(.unknownOp, "unknown op '\(String(request.op.prefix(64)))'; known: \(known)")
        }
        if !context.session.isAuthenticated && op.name != "auth" {
            throw ProtocolError(.unauthorized, "this connection must send {\"op\":\"auth\",\"token\":…} first")
        }
        try request.parameters.rejectUnknownKeys(allowed: op.parameterKeys)

        let token = observer?.started(request)
        let result: Result<OpAnswer, ProtocolError>
        do {
            result = .success(try await op.answer(request, context: context))
        } catch {
            let wire = ErrorMapping.protocolError(for: error)
            if wire.code == .internal {
                RequestObserver.logger(logger, for: request).error("internal error", metadata: ["crawld.error": "\(error)"])
            }
            result = .failure(wire)
        }
        if let observer, let token { observer.ended(token, request: request, result: result) }
        return try result.get().fields
    }
}
