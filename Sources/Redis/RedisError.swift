/// An error of the Redis module: a bad URL, a link that is down, or an error reply.
///
/// A struct with a code, as `ServiceGroupError` does, so cases can be added
/// without breaking callers; the Daemon maps it to a wire code in one place.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, in a form a caller can switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidURL = "invalid_url"
            case notConnected = "not_connected"
            case circuitOpen = "circuit_open"
            case connectionLost = "connection_lost"
            case serverError = "server_error"
            case shutdown = "shutdown"
            case invalidArguments = "invalid_arguments"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL or socket path could not be understood.
        public static let invalidURL = Code(.invalidURL)
        /// No connection right now (Redis absent or reconnecting).
        public static let notConnected = Code(.notConnected)
        /// Too many failed attempts in a row: calls fail fast until the next probe.
        public static let circuitOpen = Code(.circuitOpen)
        /// The connection broke while the command was on the wire.
        public static let connectionLost = Code(.connectionLost)
        /// Redis answered with an error reply (`-ERR ...`).
        public static let serverError = Code(.serverError)
        /// The connection was shut down before the command ran.
        public static let shutdown = Code(.shutdown)
        /// The command had no arguments.
        public static let invalidArguments = Code(.invalidArguments)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    public let file: String
    public let line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "RedisError(\(code)): \(message)" }

    public static func == (lhs: RedisError, rhs: RedisError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
