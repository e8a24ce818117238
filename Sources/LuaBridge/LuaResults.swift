internal import CLua

/// The results of a call, still on the Lua stack, read in place.
///
/// Copying a result table into a `LuaValue` allocates its keys and a
/// dictionary; reading two or three fields straight from the stack does not.
/// Only valid inside the `reading` closure of `LuaState.call(_:_:reading:)`.
public struct LuaResults {
    let stack: LuaStack
    let path: LuaPath
    /// Stack index of result 0.
    let base: Int32

    /// How many values the function returned.
    public let count: Int
    /// The state the results are on, which checks userdata handles.
    let state: LuaState

    /// Result `i` as the Swift object of a registered userdata type, nil when it is not one
    /// (or is one from an earlier call).
    public func object<Object: AnyObject>(_ i: Int, as type: Object.Type = Object.self) -> Object? {
        guard i < count else { return nil }
        return try? state.object(at: base + Int32(i), on: stack, as: type, what: "result #\(i + 1)")
    }

    /// A copy of result `i` (nil when absent).
    public func value(_ i: Int) throws(LuaError) -> LuaValue {
        guard i < count else { return .nil }
        return try stack.pull(at: base + Int32(i), root: .result(path, i))
    }

    /// True when result `i` is a table.
    public func isTable(_ i: Int) -> Bool {
        i < count && lua_type(stack.L, base + Int32(i)) == LUA_TTABLE
    }

    /// A copy of `result[i][name]` read raw (no metamethods); nil when result
    /// `i` is not a table or has no such field.
    public func field(_ i: Int, _ name: String) throws(LuaError) -> LuaValue {
        guard isTable(i) else { return .nil }
        stack.pushString(name)
        lua_rawget(stack.L, base + Int32(i))
        defer { lua_settop(stack.L, -2) }
        return try stack.pull(at: -1, root: .field(path, i, name))
    }
}
