/// Why a crawl could not start or finish, in the Crawl module's own terms.
///
/// Daemon maps it to the wire: each code's raw value is the wire code.
public struct CrawlError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL = "invalid_url"
            case blockedAddress = "blocked_address"
            case badRequest = "bad_request"
            case engineUnavailable = "engine_unavailable"
            case memoryPressure = "memory_pressure"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not an absolute http/https URL with a host, too long, or a host that does not resolve under `--deny-private`.
        public static let invalidURL = Code(.invalidURL)
        /// `--deny-private` refused an address the host resolves to (`AddressPolicy`).
        public static let blockedAddress = Code(.blockedAddress)
        /// A parameter or engine configuration the crawl cannot use.
        public static let badRequest = Code(.badRequest)
        /// The engine asked for cannot run here (unknown kind, or not installed).
        public static let engineUnavailable = Code(.engineUnavailable)
        /// The page would take more of the request-memory budget than is free.
        public static let memoryPressure = Code(.memoryPressure)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What a person reads ("scheme 'file' is not allowed").
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
