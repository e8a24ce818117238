/// A wire error code, exactly as docs/protocol.md spells it.
///
/// A struct rather than an enum so that a module can name a code the
/// protocol grows later without touching every switch.
public struct ErrorCode: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let badJSON = ErrorCode("bad_json")
    public static let badRequest = ErrorCode("bad_request")
    public static let lineTooLong = ErrorCode("line_too_long")
    public static let unknownOp = ErrorCode("unknown_op")
    public static let unauthorized = ErrorCode("unauthorized")
    /// Too many wrong tokens from one address: `auth` is refused for a while.
    public static let authThrottled = ErrorCode("auth_throttled")
    /// A `job.watch` fell too far behind (the client did not read): the watch ended.
    public static let slowConsumer = ErrorCode("slow_consumer")
    public static let invalidURL = ErrorCode("invalid_url")
    public static let blockedAddress = ErrorCode("blocked_address")
    public static let fetchFailed = ErrorCode("fetch_failed")
    public static let timeout = ErrorCode("timeout")
    public static let memoryPressure = ErrorCode("memory_pressure")
    public static let engineUnavailable = ErrorCode("engine_unavailable")
    public static let scriptError = ErrorCode("script_error")
    /// A Lua call ran past its wall-clock deadline (stopped within 100 ms of it).
    public static let scriptTimeout = ErrorCode("script_timeout")
    public static let notFound = ErrorCode("not_found")
    public static let busy = ErrorCode("busy")
    /// Out of file descriptors or another operating-system resource: a limit
    /// of the moment, like `busy`; the daemon stays up and the client retries.
    public static let resourceExhausted = ErrorCode("resource_exhausted")
    public static let shuttingDown = ErrorCode("shutting_down")
    public static let `internal` = ErrorCode("internal")
    /// HTTP only: a browser request from another origin (a POST, a
    /// WebSocket), or, without a token, a Host that is not an address
    /// (DNS rebinding); refused whatever it carries.
    public static let forbidden = ErrorCode("forbidden")
}

/// An error as the client sees it: a code from protocol.md and a message a
/// person can act on. Every other module's error becomes one of these in
/// exactly one place (Daemon's error mapping).
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
