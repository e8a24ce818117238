internal import CLua
internal import CLuaShims

/// A Swift function callable from Lua: it reads its arguments from the call
/// and pushes its results onto it. Throwing raises a Lua error in the calling
/// script (`policies.lua:4: <the error's description>`), which the script may
/// catch with `pcall` like any other.
public typealias LuaFunction = (LuaCall) throws -> Void

/// Holds a registered closure; the Lua closure refers to it by pointer.
final class LuaFunctionBox {
    let body: LuaFunction
    init(_ body: @escaping LuaFunction) { self.body = body }
}

/// One call of a Swift function from Lua: its arguments, and where its
/// results go. Valid only while the function runs; do not keep it.
///
/// Arguments are numbered from 0 (for a method, 0 is the first argument after
/// the object). Results are the values pushed, in order.
public struct LuaCall {
    let stack: LuaStack
    unowned(unsafe) let state: LuaState
    /// Stack index of argument 0.
    let base: Int32

    /// How many arguments the script passed.
    public let count: Int

    /// When the running call's deadline passes: Swift work a script starts and that could
    /// outlast it (an XPath evaluation) is given up at this instant. The hook stops the
    /// script itself at its next instruction.
    public var deadline: ContinuousClock.Instant {
        .now + .seconds(clua_context_of(stack.L).pointee.deadline - clua_now())
    }

    /// A copy of argument `i` (nil when absent).
    public func value(_ i: Int) throws(LuaError) -> LuaValue {
        guard i < count else { return .nil }
        return try stack.pull(at: base + Int32(i), root: .argument(i))
    }

    /// Argument `i` as text. - Throws: when it is not a string.
    /// Read in place, without a `LuaValue` copy first: selectors and attribute
    /// names are the arguments of nearly every call extract.lua makes.
    public func string(_ i: Int) throws(LuaError) -> String {
        guard i < count, let text = stack.text(at: base + Int32(i)) else { throw argumentError(i, expected: "a string") }
        return text
    }

    /// Argument `i` as an integer (or a float with an integer value).
    public func int(_ i: Int) throws(LuaError) -> Int64 {
        guard let number = try value(i).intValue else { throw argumentError(i, expected: "an integer") }
        return number
    }

    /// Argument `i` as a number.
    public func double(_ i: Int) throws(LuaError) -> Double {
        guard let number = try value(i).doubleValue else { throw argumentError(i, expected: "a number") }
        return number
    }

    /// Argument `i` as the Swift object of a registered userdata type.
    /// - Throws: when it is something else, or an object from an earlier call.
    public func object<Object: AnyObject>(_ i: Int, as type: Object.Type = Object.self) throws(LuaError) -> Object {
        try state.object(at: base + Int32(i), on: stack, as: type, what: "argument #\(i + 1)")
    }

    /// Pushes a result.
    public func push(_ value: LuaValue) throws(LuaError) {
        guard lua_checkstack(stack.L, 1) != 0 else { throw LuaError(kind: .conversion, message: "too many results") }
        try stack.push(value)
    }

    /// Pushes text as a Lua string result, without copying its bytes into a
    /// `LuaValue` first (extract.lua's calls mostly return text).
    public func push(text: String) throws(LuaError) {
        guard lua_checkstack(stack.L, 1) != 0 else { throw LuaError(kind: .conversion, message: "too many results") }
        stack.pushString(text)
    }

    /// Pushes text, or nil when there is none.
    public func push(text: String?) throws(LuaError) {
        guard let text else { return try push(.nil) }
        try push(text: text)
    }

    /// Pushes a Swift object of a registered type as a result; it is valid
    /// until the outermost call from Swift returns.
    public func push(_ object: AnyObject) throws(LuaError) {
        try state.pushObject(object, token: state.callToken, on: stack)
    }

    /// Pushes a sequence of Swift objects (`doc:css("a")`'s nodes) as one
    /// result: a Lua table of userdata, valid as `push(_:)` says.
    public func push(objects: [AnyObject]) throws(LuaError) {
        guard lua_checkstack(stack.L, 3) != 0 else { throw LuaError(kind: .conversion, message: "too many results") }
        lua_createtable(stack.L, Int32(clamping: objects.count), 0)
        for (i, object) in objects.enumerated() {
            do {
                try state.pushObject(object, token: state.callToken, on: stack)
            } catch {
                lua_settop(stack.L, -2)
                throw error
            }
            lua_rawseti(stack.L, -2, lua_Integer(i + 1))
        }
    }

    /// The same call with its first argument (a method's object) dropped.
    func droppingFirst() -> LuaCall {
        LuaCall(stack: stack, state: state, base: base + 1, count: max(count - 1, 0))
    }

    private func argumentError(_ i: Int, expected: String) -> LuaError {
        let got = (try? value(i).typeName) ?? "value"
        return LuaError(kind: .runtime, message: "bad argument #\(i + 1) (\(expected) expected, got \(got))")
    }
}

extension LuaState {
    // MARK: - Registering Swift functions

    /// Makes `body` callable from Lua as the global `name`, or as `table.name`
    /// when `table` is given (created when missing). Register before loading
    /// scripts; the closure lives as long as the state, so a closure that
    /// needs the state captures it `[unowned state]`.
    public func register(function name: String, in table: String? = nil, _ body: @escaping LuaFunction) {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        clua_pushglobaltable(L)
        if let table {
            stack.pushString(table)
            if lua_rawget(L, -2) != LUA_TTABLE {
                lua_settop(L, -2)
                clua_newtable(L)
                stack.pushString(table)
                lua_pushvalue(L, -2)
                lua_rawset(L, -4)
            }
        }
        stack.pushString(name)
        pushFunction(body)
        lua_rawset(L, -3)
    }

    /// Pushes a Lua closure that runs `body`. Stack: [-0, +1]
    func pushFunction(_ body: @escaping LuaFunction) {
        let box = LuaFunctionBox(body)
        functions.append(box)
        clua_push_swift_function(L, Unmanaged.passUnretained(box).toOpaque())
    }

    /// Runs a registered function for the C trampoline: 0 with the results
    /// pushed, or -1 with an error message pushed (the trampoline raises).
    func dispatch(_ function: LuaFunctionBox, on thread: OpaquePointer) -> Int32 {
        let stack = LuaStack(L: thread, copyLimit: limits.copyLimit)
        let count = lua_gettop(thread)
        let call = LuaCall(stack: stack, state: self, base: 1, count: Int(count))
        do {
            try function.body(call)
            return 0
        } catch let error as LuaError {
            lua_settop(thread, count)
            stack.pushString(error.message)
            return -1
        } catch {
            lua_settop(thread, count)
            stack.pushString(String(describing: error))
            return -1
        }
    }
}
