/// Why an engine could not configure itself or fetch a page.
///
/// The message is written for a person reading the answer ("connection
/// refused: 127.0.0.1:1", "body larger than 1048576 bytes"). The code says
/// which wire error it becomes; Daemon does that mapping, in one place:
/// `isTimeout` codes become `timeout`, `invalidConfiguration` becomes
/// `bad_request`, `invalidURL` becomes `invalid_url`, `blockedAddress` becomes
/// `blocked_address`, `resourceExhausted` becomes `resource_exhausted`, every other code becomes
/// `fetch_failed` with `code.reason` as its reason.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable reason string (`code.reason`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration = "invalid_config"
            case invalidURL = "invalid_url"
            case dns
            case connectionRefused = "connection_refused"
            case connectFailed = "connect_failed"
            case tls
            case connectionReset = "connection_reset"
            case tooManyRedirects = "too_many_redirects"
            case redirectLoop = "redirect_loop"
            case bodyTooLarge = "body_too_large"
            case protocolError = "protocol_error"
            case timeout
            case connectTimeout = "connect_timeout"
            case notRunning = "not_running"
            case blockedAddress = "blocked_address"
            case resourceExhausted = "resource_exhausted"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The engine config was not an object, had an unknown key or a value of the wrong type or range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The URL (or a redirect's Location) is not an absolute http/https URL.
        public static let invalidURL = Code(.invalidURL)
        /// The host name did not resolve.
        public static let dns = Code(.dns)
        /// Nothing listens on the target port.
        public static let connectionRefused = Code(.connectionRefused)
        /// Connecting failed for another reason (unreachable network, ...).
        public static let connectFailed = Code(.connectFailed)
        /// The TLS handshake failed (bad certificate, protocol mismatch).
        public static let tls = Code(.tls)
        /// The peer reset or closed the connection before the response was complete.
        public static let connectionReset = Code(.connectionReset)
        /// The redirect chain was longer than `max_redirects`.
        public static let tooManyRedirects = Code(.tooManyRedirects)
        /// A redirect led back to a URL already visited.
        public static let redirectLoop = Code(.redirectLoop)
        /// The body (after decompression) is larger than `max_body_bytes`.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The peer broke HTTP (a malformed response, a bad chunk).
        public static let protocolError = Code(.protocolError)
        /// The fetch's deadline passed.
        public static let timeout = Code(.timeout)
        /// Opening the connection took longer than `connect_timeout_ms`.
        public static let connectTimeout = Code(.connectTimeout)
        /// The engine was asked to fetch before `start()` or after `close()`.
        public static let notRunning = Code(.notRunning)
        /// `--deny-private` refused the address a request would connect to (`AddressPolicy`).
        public static let blockedAddress = Code(.blockedAddress)
        /// crawld (or the machine) is out of file descriptors (EMFILE / ENFILE):
        /// a limit of the moment, not the site's fault.
        public static let resourceExhausted = Code(.resourceExhausted)

        /// The stable snake_case reason (`"connection_refused"`), for the wire's error message and logs.
        public var reason: String { base.rawValue }

        /// Whether the wire calls this `timeout` rather than `fetch_failed`.
        public var isTimeout: Bool { base == .timeout || base == .connectTimeout }

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// What a person reads.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.reason): \(message)" }
}
