import Protocol

/// The one place where errors of every module become wire errors
/// (shared/protocol.md, "Error codes"). An error no case knows is a bug: it
/// becomes `internal` with its description, and the daemon stays up.
enum ErrorMapping {
    static func protocolError(for error: any Error) -> ProtocolError {
        switch error {
        case let error as ProtocolError:
            return error
        case is CancellationError:
            return ProtocolError(.shuttingDown, "the request was cancelled because crawld is shutting down")
        default:
            return ProtocolError(.internal, "\(error)")
        }
    }
}
