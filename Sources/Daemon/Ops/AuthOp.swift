import JSON
import Protocol

/// `auth {token}`: unlocks the connection when `--token-file` is set.
///
/// The comparison takes the same time whatever the token's content, so a
/// client cannot find the token byte by byte by timing wrong guesses.
struct AuthOp: Op {
    let name = "auth"
    let parameterKeys: Set<String> = ["token"]
    let runsInline = true
    /// nil when no token is configured: `auth` then always succeeds.
    let expectedToken: [UInt8]?

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let token = try request.parameters.requiredString("token")
        if let expectedToken {
            guard Self.constantTimeEqual(Array(token.utf8), expectedToken) else {
                throw ProtocolError(.unauthorized, "wrong token")
            }
        }
        context.session.markAuthenticated()
        return ["authenticated": true]
    }

    /// Compares every byte of the longer input, folding differences with OR.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let length = max(a.count, b.count)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        for i in 0..<length {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
