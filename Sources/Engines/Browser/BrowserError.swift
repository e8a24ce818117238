/// Why the browser engine failed a request or could not start.
///
/// One error type for the whole browser engine, so the Daemon maps it to a wire
/// code in one place: `unavailable` → `engine_unavailable`, `timeout` →
/// `timeout`, `crashed` / `navigationFailed` → `fetch_failed`, `script` →
/// the answer's `js` error, `blockedAddress` → `blocked_address`,
/// `protocol` / `launchFailed` → `internal`.
public struct BrowserError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a closed set the Daemon can switch over.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case unavailable, launchFailed, timeout, crashed, navigationFailed, script, `protocol`, badOption, blockedAddress
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// No Chromium binary here; the message carries the install hint.
        public static let unavailable = Code(.unavailable)
        /// The binary exists but could not be spawned or did not answer.
        public static let launchFailed = Code(.launchFailed)
        /// A request passed its deadline, or the browser missed its heartbeats.
        public static let timeout = Code(.timeout)
        /// The browser process died (pipe EOF) or was killed.
        public static let crashed = Code(.crashed)
        /// Chromium could not load the page (DNS, connect, TLS, ...).
        public static let navigationFailed = Code(.navigationFailed)
        /// The caller's `js` script threw.
        public static let script = Code(.script)
        /// Chromium answered something the engine did not expect.
        public static let `protocol` = Code(.protocol)
        /// `--deny-private` refused the page's own navigation (the first URL,
        /// a redirect, a script or meta refresh navigation of the main frame).
        public static let blockedAddress = Code(.blockedAddress)
        /// A configuration or render option was invalid.
        public static let badOption = Code(.badOption)

        public var description: String { kind.rawValue }
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

    public var description: String { "BrowserError.\(code): \(message)" }

    /// Two errors are equal when code and message match; where they were thrown does not matter.
    public static func == (lhs: BrowserError, rhs: BrowserError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
