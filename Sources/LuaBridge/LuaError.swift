/// Why a Lua load, call or value conversion failed, read once at the C boundary.
///
/// `message` is Lua's own text with the chunk name in front
/// (`policies.lua:17: attempt to index a nil value`); `script` and `line` are
/// parsed from it when it has that shape, and `traceback` is Lua's
/// `stack traceback:` block when the error came from running code.
public struct LuaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a struct over a private enum so cases can be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String {
            case syntax, runtime, budgetExceeded, deadlineExceeded, memory, conversion, validation
        }
        private let code: Code

        /// The chunk did not compile.
        public static let syntax = Kind(code: .syntax)
        /// The script raised an error (or a Swift function it called threw).
        public static let runtime = Kind(code: .runtime)
        /// The call ran more instructions than its budget.
        public static let budgetExceeded = Kind(code: .budgetExceeded)
        /// The call ran past its wall-clock deadline.
        public static let deadlineExceeded = Kind(code: .deadlineExceeded)
        /// The state's memory cap refused an allocation.
        public static let memory = Kind(code: .memory)
        /// A value cannot cross between Lua and Swift (a function, a cycle, ...).
        public static let conversion = Kind(code: .conversion)
        /// A script set broke its contract (missing script, field, wrong shape).
        public static let validation = Kind(code: .validation)

        public var description: String { code.rawValue }
    }

    public var kind: Kind
    public var message: String
    public var script: String?
    public var line: Int?
    public var traceback: String?

    public init(kind: Kind, message: String, script: String? = nil, line: Int? = nil, traceback: String? = nil) {
        self.kind = kind
        self.message = message
        self.script = script
        self.line = line
        self.traceback = traceback
        if script == nil, line == nil, let (s, l) = Self.location(in: message) {
            self.script = s
            self.line = l
        }
    }

    public var description: String { "\(kind) error: \(message)" }

    /// `("policies.lua", 17)` from `policies.lua:17: ...`, the shape Lua gives
    /// every error raised in a named chunk.
    static func location(in message: String) -> (String, Int)? {
        let parts = message.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let line = Int(parts[1]), !parts[0].isEmpty,
            !parts[0].contains(" "), parts[2].hasPrefix(" ")
        else { return nil }
        return (String(parts[0]), line)
    }
}
