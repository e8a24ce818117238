import JSON
import Protocol

/// `auth {token}`: unlocks the connection when `--token-file` is set.
///
/// The comparison takes the same time whatever the token's content, so a
/// client cannot find the token byte by byte by timing wrong guesses.
/// Wrong tokens are expensive to try: each failure on a connection waits
/// twice as long as the one before (`firstFailureDelay`, doubling) before
/// it is answered, the connection is closed at `maximumFailuresPerConnection`,
/// and `AuthThrottle` locks out an address failing across connections. The
/// wait runs on the connection's own task (the op runs inline), which is the
/// point: the connection's next guess is not read until it is over.
struct AuthOp: Op {
    let name = "auth"
    let parameterKeys: Set<String> = ["token"]
    let runsInline = true
    /// nil when no token is configured: `auth` then always succeeds.
    let expectedToken: [UInt8]?
    let throttle: AuthThrottle
    var firstFailureDelay: Duration = .milliseconds(100)
    var maximumFailuresPerConnection = 5

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let token = try request.parameters.requiredString("token")
        guard let expectedToken else {
            context.session.markAuthenticated()
            return ["authenticated": true]
        }
        if let remaining = throttle.lockoutRemaining(for: context.session.peerAddress) {
            context.session.closeAfterAnswer()
            throw ProtocolError(
                .authThrottled, "too many wrong tokens from this address; auth is refused for \(Int(remaining.components.seconds) + 1) s more"
            )
        }
        guard TokenComparison.equal(Array(token.utf8), expectedToken) else {
            try await refuse(context.session)
        }
        context.session.markAuthenticated()
        return ["authenticated": true]
    }

    /// Counts the failure, waits, and answers `unauthorized` (closing the
    /// connection at the last allowed failure) or `auth_throttled`.
    private func refuse(_ session: Session) async throws -> Never {
        let failures = session.recordAuthFailure()
        let lockedOut = throttle.recordFailure(from: session.peerAddress)
        try? await Task.sleep(for: firstFailureDelay * (1 << min(failures - 1, 10)))
        if lockedOut {
            session.closeAfterAnswer()
            throw ProtocolError(.authThrottled, "too many wrong tokens from this address; auth is refused for \(throttle.policy.lockout)")
        }
        if failures >= maximumFailuresPerConnection {
            session.closeAfterAnswer()
            throw ProtocolError(.unauthorized, "wrong token; \(failures) failures on this connection, closing it")
        }
        throw ProtocolError(.unauthorized, "wrong token")
    }
}
