internal import CLua
internal import CLuaShims

/// How much one state may use: memory for the whole state, and per call an
/// instruction budget and a wall-clock deadline.
public struct LuaLimits: Sendable, Equatable {
    /// Bytes the state may hold while Lua code runs (the allocator refuses more).
    public var memoryBytes: Int
    /// Instructions one call may run (counted every `hookInterval`).
    public var instructions: Int
    /// Wall-clock time one call may run.
    public var timeout: Duration
    /// Values one copy out of Lua (a call's results, an argument) may hold;
    /// its bytes are bounded by `memoryBytes`. A table reached twice counts
    /// twice, since Swift copies it twice: `a = {a, a}` forty deep is a few
    /// KB in Lua and 2^40 values in Swift.
    public var copyValues: Int

    public init(memoryBytes: Int = 64 << 20, instructions: Int = 50_000_000, timeout: Duration = .seconds(2), copyValues: Int = 100_000) {
        self.memoryBytes = memoryBytes
        self.instructions = instructions
        self.timeout = timeout
        self.copyValues = copyValues
    }

    /// What one copy out of Lua may hold.
    var copyLimit: LuaCopyLimit { LuaCopyLimit(values: copyValues, bytes: memoryBytes) }

    /// Instructions between two checks of the budget and the clock.
    static let hookInterval: Int32 = 1000
}

/// One sandboxed Lua 5.4 state: the only owner of its `lua_State`.
///
/// Not `Sendable`: Lua needs exclusive access, not thread affinity, so a
/// state is used by one task at a time (`LuaStatePool` hands it out) and its
/// calls run on that task. Each call is bounded by `LuaLimits`: an instruction
/// budget and a deadline enforced by a C hook, and a memory cap enforced by
/// the allocator only while Lua code runs. Lua errors never unwind through
/// Swift: every raising function lives in CLuaShims.
///
/// A fresh state sees the sandbox only: base (without `dofile`, `loadfile`,
/// or binary chunks in `load`; `print` goes to `printHandler`; `setmetatable`
/// refuses a `__gc` field; `collectgarbage` only collects and counts),
/// `string` (without `dump`), `table`, `math`, `utf8`, and `os.time` /
/// `os.clock` / `os.date`. The string patterns and the table functions stop
/// at the deadline too: why every call ends within it is written down in
/// CLuaShims' `clua_internal.h`.
public final class LuaState {
    let L: OpaquePointer
    private let context: UnsafeMutablePointer<clua_context>
    public let limits: LuaLimits
    /// `limits.timeout` in seconds, as the C hook compares it.
    private let timeoutSeconds: Double

    /// Swift closures callable from Lua; kept alive for the state's lifetime.
    var functions: [LuaFunctionBox] = []
    /// Metatable names of registered userdata types, by Swift type.
    var userdataTypes: [ObjectIdentifier: String] = [:]
    /// Token of the outermost call in progress (0: none); userdata pushed with
    /// it are valid until that call returns.
    var callToken: UInt64 = 0
    var nextToken: UInt64 = 1
    var callDepth = 0

    /// True once any call ran into the memory cap, even if a script's pcall
    /// caught it: the pool replaces such a state rather than trust it.
    public private(set) var memoryLimitHit = false

    /// Creates a sandboxed state.
    /// - Throws: `.memory` when the state cannot even be allocated.
    public init(limits: LuaLimits = LuaLimits()) throws(LuaError) {
        self.limits = limits
        timeoutSeconds = Double(limits.timeout.components.seconds) + Double(limits.timeout.components.attoseconds) / 1e18
        context = .allocate(capacity: 1)
        context.initialize(to: clua_context())
        context.pointee.limit = limits.memoryBytes
        context.pointee.hook_interval = LuaLimits.hookInterval
        context.pointee.dispatch = luaDispatch
        context.pointee.release = luaRelease
        guard let state = clua_newstate(context) else {
            context.deallocate()
            throw LuaError(kind: .memory, message: "cannot allocate a Lua state")
        }
        L = state
        context.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        if clua_open_sandbox(L) != LUA_OK {
            throw takeError(status: LUA_ERRMEM, top: 0)
        }
    }

    deinit {
        clua_close(L)
        context.deallocate()
    }

    /// Bytes the state holds now.
    public var memoryUsed: Int { context.pointee.used }

    /// A full garbage collection, so finalizers (`__gc`) run now.
    public func collectGarbage() {
        clua_collect(L)
    }

    /// After scripts loaded: assigning an undeclared global raises, so a call
    /// cannot leave state behind for the next request by accident.
    public func protectGlobals() {
        clua_protect_globals(L)
    }

    var stack: LuaStack { LuaStack(L: L, copyLimit: limits.copyLimit) }

    /// Where a script's `print(...)` goes: the values joined by tabs (cut at
    /// 1 KiB) and where it was called (`extract.lua:12: `). Nil drops them;
    /// they never reach stdout, which a full pipe would block.
    public var printHandler: ((_ line: String, _ location: String) -> Void)? {
        didSet { context.pointee.print = printHandler == nil ? nil : luaPrint }
    }

    // MARK: - Running protected code

    /// Runs the function below `nargs` arguments under the limits, leaving its
    /// results on the stack. Stack: [-(nargs+1), +results] or throws with the
    /// stack back at `top`.
    func protectedCall(nargs: Int32, top: Int32) throws(LuaError) {
        callDepth += 1
        let status = clua_call(L, nargs, LUA_MULTRET, Int64(limits.instructions), timeoutSeconds)
        callDepth -= 1
        if context.pointee.memory_hit != 0 { memoryLimitHit = true }
        guard status == LUA_OK else { throw takeError(status: status, top: top) }
    }

    /// Turns the error message on top of the stack into a `LuaError`, and
    /// resets the stack to `top`.
    func takeError(status: Int32, top: Int32) -> LuaError {
        let text = lua_type(L, -1) == LUA_TSTRING ? String(decoding: stack.bytes(at: -1), as: UTF8.self) : "unknown error"
        lua_settop(L, top)
        let (message, traceback) = Self.splitTraceback(text)
        let kind: LuaError.Kind
        switch status {
        case LUA_ERRSYNTAX: kind = .syntax
        case LUA_ERRMEM:
            kind = .memory
            memoryLimitHit = true
        default:
            switch context.pointee.stop {
            case Int32(CLUA_STOP_BUDGET.rawValue): kind = .budgetExceeded
            case Int32(CLUA_STOP_DEADLINE.rawValue): kind = .deadlineExceeded
            default: kind = context.pointee.memory_hit != 0 && message.hasSuffix("not enough memory") ? .memory : .runtime
            }
        }
        return LuaError(kind: kind, message: message, traceback: traceback)
    }

    /// Splits the message handler's "message\nstack traceback:\n..." at the
    /// last such marker (a message may quote an earlier traceback).
    static func splitTraceback(_ text: String) -> (String, String?) {
        let marker = Array("\nstack traceback:".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count >= marker.count else { return (text, nil) }
        for start in stride(from: bytes.count - marker.count, through: 0, by: -1)
        where bytes[start..<start + marker.count].elementsEqual(marker) {
            return (String(decoding: bytes[..<start], as: UTF8.self), String(decoding: bytes[(start + 1)...], as: UTF8.self))
        }
        return (text, nil)
    }
}

/// Lua calls this for every Swift function (through the C trampoline, which
/// raises when it returns -1).
private let luaDispatch: clua_dispatch_fn = { L, box in
    guard let L, let box, let owner = clua_context_of(L)?.pointee.owner else { return -1 }
    let state = Unmanaged<LuaState>.fromOpaque(owner).takeUnretainedValue()
    let function = Unmanaged<LuaFunctionBox>.fromOpaque(box).takeUnretainedValue()
    return state.dispatch(function, on: L)
}

/// A script's `print(...)`, for `LuaState.printHandler`.
private let luaPrint: clua_print_fn = { owner, location, line, count in
    guard let owner else { return }
    let state = Unmanaged<LuaState>.fromOpaque(owner).takeUnretainedValue()
    let text = line.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""
    state.printHandler?(text, location.map { String(cString: $0) } ?? "")
}

/// A userdata's `__gc`: drops the retain taken when the object was pushed.
private let luaRelease: clua_release_fn = { box in
    guard let box else { return }
    Unmanaged<AnyObject>.fromOpaque(box).release()
}
