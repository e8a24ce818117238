/// An error of the Monitor module: a bad instance id or a bad op parameter.
///
/// The Daemon maps `.invalidParameter` to the wire's `bad_request` and
/// `.invalidInstanceID` to a refusal at start.
public struct MonitorError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidInstanceID = "invalid_instance_id"
            case invalidParameter = "invalid_parameter"
            case invalidAddress = "invalid_address"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An instance id with characters other than letters, digits, `-`, `_`, `.`, or longer than 64.
        public static let invalidInstanceID = Code(.invalidInstanceID)
        /// An op parameter with a value the op does not know (`metric`, `kind`, `status`, `limit`).
        public static let invalidParameter = Code(.invalidParameter)
        /// A `HOST:PORT` or notify socket that cannot be used.
        public static let invalidAddress = Code(.invalidAddress)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "MonitorError(\(code)): \(message)" }
}
