/// Why a crawl could not start or finish, in the Crawl module's own terms.
///
/// Daemon maps it to the wire: `invalidURL` becomes `invalid_url`.
public struct CrawlError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL = "invalid_url"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not an absolute http/https URL with a host, too long, or refused by `--deny-private`.
        public static let invalidURL = Code(.invalidURL)

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
