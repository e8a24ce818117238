/// Every error the pool throws. The Daemon maps `code` to a wire error code in
/// one place: `memoryPressure` -> `memory_pressure`, `notFound` -> `not_found`,
/// `ambiguousSignature` / `notKillable` -> `bad_request`, `shuttingDown` ->
/// `shutting_down`, the rest -> `internal` (or `engine_unavailable` for
/// `engineFailed` when the engine cannot run here).
public struct PoolError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, comparable with `==` (`error.code == .memoryPressure`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case memoryPressure = "memory_pressure"
            case engineFailed = "engine_failed"
            case timedOut = "timed_out"
            case notFound = "not_found"
            case ambiguousSignature = "ambiguous_signature"
            case notKillable = "not_killable"
            case engineTypeMismatch = "engine_type_mismatch"
            case shuttingDown = "shutting_down"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Memory use is at or above the policy's limit; no new engine was started.
        public static let memoryPressure = Code(.memoryPressure)
        /// The engine factory or `start()` threw.
        public static let engineFailed = Code(.engineFailed)
        /// A wait for an engine passed its deadline.
        public static let timedOut = Code(.timedOut)
        /// No engine matches the signature (or prefix) given.
        public static let notFound = Code(.notFound)
        /// A signature prefix matches more than one engine.
        public static let ambiguousSignature = Code(.ambiguousSignature)
        /// The permanent engine cannot be killed (restart it instead).
        public static let notKillable = Code(.notKillable)
        /// The engine under a signature is not of the type the caller asked for.
        public static let engineTypeMismatch = Code(.engineTypeMismatch)
        /// The pool is shutting down and starts no engines.
        public static let shuttingDown = Code(.shuttingDown)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What a client or operator reads.
    public let message: String
    /// For `memoryPressure`: memory use and the limit, in percent.
    public let percent: Double?
    public let limit: Double?
    public let file: String
    public let line: Int

    private init(_ code: Code, _ message: String, percent: Double? = nil, limit: Double? = nil, file: String, line: Int) {
        self.code = code
        self.message = message
        self.percent = percent
        self.limit = limit
        self.file = file
        self.line = line
    }

    public var description: String { "PoolError.\(code): \(message)" }

    public static func memoryPressure(percent: Double, limit: Double, file: String = #fileID, line: Int = #line) -> PoolError {
        let message = "memory use \(Self.format(percent))% is at or above the limit of \(Self.format(limit))%; no new engine started"
        return PoolError(.memoryPressure, message, percent: percent, limit: limit, file: file, line: line)
    }

    public static func engineFailed(_ signature: EngineSignature, reason: String, file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.engineFailed, "engine \(signature.short) failed to start: \(reason)", file: file, line: line)
    }

    public static func timedOut(_ signature: EngineSignature, after: Duration, file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.timedOut, "waited \(after) for engine \(signature.short) to start; giving up", file: file, line: line)
    }

    public static func notFound(_ selector: String, file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.notFound, "no engine with signature '\(selector)'", file: file, line: line)
    }

    public static func ambiguousSignature(_ prefix: String, count: Int, file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.ambiguousSignature, "signature prefix '\(prefix)' matches \(count) engines; give more digits", file: file, line: line)
    }

    public static func notKillable(_ signature: EngineSignature, file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.notKillable, "engine \(signature.short) is the permanent engine; restart it instead", file: file, line: line)
    }

    public static func engineTypeMismatch(_ signature: EngineSignature, expected: String, file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.engineTypeMismatch, "engine \(signature.short) is not a \(expected)", file: file, line: line)
    }

    public static func shuttingDown(file: String = #fileID, line: Int = #line) -> PoolError {
        PoolError(.shuttingDown, "the pool is shutting down", file: file, line: line)
    }

    /// One decimal place, without Foundation: `87.5`, `90.0`.
    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "\(value)" }
        let whole = Int(tenths) / 10
        let fraction = abs(Int(tenths) % 10)
        return "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(fraction)"
    }
}
