/// Why the daemon could not start. `crawld` exits with code 2 for
/// `configuration` (the operator must fix a file), 1 otherwise.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The scripts or another configured input are unusable.
        case configuration
        /// Anything else that stopped the start (a port in use…).
        case startup
    }

    public let kind: Kind
    public let message: String

    public var description: String { message }
}
