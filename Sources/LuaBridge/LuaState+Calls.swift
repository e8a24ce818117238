internal import CLua
internal import CLuaShims

/// The registry key of the table holding every loaded module.
private let modulesKey = "crawld.modules"

extension LuaState {
    // MARK: - Loading chunks

    /// Compiles and runs a text chunk, returning what it returned.
    /// - Parameter chunkName: the file name (`policies.lua`); errors read
    ///   `policies.lua:17: ...`.
    public func run(_ source: [UInt8], chunkName: String) throws(LuaError) -> [LuaValue] {
        let top = lua_gettop(L)
        try execute(source, chunkName: chunkName, top: top)
        return try pullResults(from: top) { .chunk(chunkName, $0) }
    }

    /// Compiles and runs a script, keeping its first result as module `name`
    /// for `.module(name, ...)` paths. Nothing is copied out, so the result
    /// may hold functions.
    public func loadModule(_ source: [UInt8], chunkName: String, as name: String) throws(LuaError) {
        let top = lua_gettop(L)
        try execute(source, chunkName: chunkName, top: top)
        lua_settop(L, top + 1)
        pushModules()
        lua_rotate(L, -2, 1)
        stack.pushString(name)
        lua_rotate(L, -2, 1)
        lua_rawset(L, -3)
        lua_settop(L, top)
    }

    /// Compiles and runs a chunk, leaving its results above `top`.
    private func execute(_ source: [UInt8], chunkName: String, top: Int32) throws(LuaError) {
        let status = source.withUnsafeBufferPointer { buffer in
            ("=" + chunkName).withCString { name in
                clua_load(L, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count, name)
            }
        }
        guard status == LUA_OK else { throw takeError(status: status, top: top) }
        try protectedCall(nargs: 0, top: top)
    }

    /// The modules table. Stack: [-0, +1]
    private func pushModules() {
        if lua_getfield(L, clua_registryindex(), modulesKey) != LUA_TTABLE {
            lua_settop(L, -2)
            clua_newtable(L)
            lua_pushvalue(L, -1)
            lua_setfield(L, clua_registryindex(), modulesKey)
        }
    }

    // MARK: - Calling

    /// Calls the function at `path` with plain values and returns its results.
    /// - Throws: `LuaError` of the call (runtime with script, line and
    ///   traceback; budget, deadline or memory), or `.conversion` when a
    ///   result holds something that cannot be copied out.
    public func call(_ path: LuaPath, _ arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        try call(path, count: arguments.count) { stack throws(LuaError) in
            for argument in arguments { try stack.push(argument) }
        }
    }

    /// Calls the function at `path` with values and Swift objects. The objects
    /// become userdata of their registered types, valid until this call
    /// returns: a script that keeps one (in a global, say) and uses it later
    /// gets a Lua error, not a dangling pointer.
    public func call(_ path: LuaPath, arguments: [LuaArgument]) throws(LuaError) -> [LuaValue] {
        try call(path, count: arguments.count) { stack throws(LuaError) in
            for argument in arguments {
                switch argument {
                case .value(let value): try stack.push(value)
                case .object(let object): try pushObject(object, token: callToken)
                }
            }
        }
    }

    /// Calls the function at `path` and reads its results in place, without
    /// copying whole tables out: for hot paths that need a few fields.
    /// - Parameter reading: runs while the results are on the stack; the
    ///   `LuaResults` it gets is invalid once it returns.
    public func call<Result>(_ path: LuaPath, _ arguments: [LuaValue], reading: (LuaResults) throws(LuaError) -> Result) throws(LuaError) -> Result {
        let top = try withCallToken { () throws(LuaError) -> Int32 in
            try callLeavingResults(path, count: arguments.count) { stack throws(LuaError) in
                for argument in arguments { try stack.push(argument) }
            }
        }
        defer { lua_settop(L, top) }
        return try reading(LuaResults(stack: stack, path: path, base: top + 1, count: Int(lua_gettop(L) - top), state: self))
    }

    /// Calls the function at `path` with values and Swift objects, and reads its results in
    /// place while the objects handed out are still valid: a result may be one of them (or
    /// one the call made), which `LuaResults.object` gives back.
    public func call<Result>(
        _ path: LuaPath, arguments: [LuaArgument], reading: (LuaResults) throws(LuaError) -> Result
    ) throws(LuaError) -> Result {
        try withCallToken { () throws(LuaError) -> Result in
            let top = try callLeavingResults(path, count: arguments.count) { stack throws(LuaError) in
                for argument in arguments {
                    switch argument {
                    case .value(let value): try stack.push(value)
                    case .object(let object): try pushObject(object, token: callToken)
                    }
                }
            }
            defer { lua_settop(L, top) }
            return try reading(LuaResults(stack: stack, path: path, base: top + 1, count: Int(lua_gettop(L) - top), state: self))
        }
    }

    private func call(_ path: LuaPath, count: Int, push: (LuaStack) throws(LuaError) -> Void) throws(LuaError) -> [LuaValue] {
        let top = try withCallToken { () throws(LuaError) -> Int32 in try callLeavingResults(path, count: count, push: push) }
        return try pullResults(from: top) { .result(path, $0) }
    }

    /// Runs `body` with a fresh call token when no call is running (the outermost call): the
    /// objects pushed during it carry the token and are refused once it is reset.
    private func withCallToken<Result>(_ body: () throws(LuaError) -> Result) throws(LuaError) -> Result {
        let outermost = callDepth == 0 && callToken == 0
        if outermost {
            callToken = nextToken
            nextToken += 1
        }
        defer { if outermost { callToken = 0 } }
        return try body()
    }

    /// Calls the function at `path`, leaving its results above the returned top.
    private func callLeavingResults(_ path: LuaPath, count: Int, push: (LuaStack) throws(LuaError) -> Void) throws(LuaError) -> Int32 {
        let top = lua_gettop(L)
        guard lua_checkstack(L, Int32(clamping: count + 8)) != 0 else {
            throw LuaError(kind: .conversion, message: "too many arguments (\(count)) for \(path)")
        }
        try pushValue(at: path, top: top)
        guard lua_type(L, -1) == LUA_TFUNCTION else {
            let type = stack.typeName(at: -1)
            lua_settop(L, top)
            throw LuaError(kind: .runtime, message: "\(path) is not a function (a \(type) value)")
        }
        do {
            try push(stack)
        } catch {
            lua_settop(L, top)
            throw error
        }
        try protectedCall(nargs: Int32(count), top: top)
        return top
    }

    private func pullResults(from top: Int32, root: (Int) -> LuaValueRoot) throws(LuaError) -> [LuaValue] {
        defer { lua_settop(L, top) }
        let count = lua_gettop(L) - top
        if count == 0 { return [] }
        var results: [LuaValue] = []
        results.reserveCapacity(Int(count))
        for i in 0..<count {
            results.append(try stack.pull(at: top + 1 + i, root: root(Int(i))))
        }
        return results
    }

    // MARK: - Values at paths

    /// Copies the value at `path` (nil when any step is missing).
    public func value(at path: LuaPath) throws(LuaError) -> LuaValue {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try pushValue(at: path, top: top)
        return try stack.pull(at: -1, root: .value(path))
    }

    /// The keys of the table at `path` (strings, numbers, booleans), even when
    /// its values are functions that could not be copied: e.g. the host
    /// patterns of extract.lua's `sites`. Empty when it is not a table.
    public func keys(at path: LuaPath) throws(LuaError) -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try pushValue(at: path, top: top)
        guard lua_type(L, -1) == LUA_TTABLE else { return [] }
        let table = lua_gettop(L)
        var keys: [LuaValue] = []
        lua_pushnil(L)
        while lua_next(L, table) != 0 {
            switch lua_type(L, -2) {
            case LUA_TSTRING, LUA_TNUMBER, LUA_TBOOLEAN: keys.append(try stack.pull(at: -2, root: .value(path)))
            default: break
            }
            lua_settop(L, -2)
        }
        return keys
    }

    /// Lua's type name of the value at `path` (`"function"`, `"nil"`, ...),
    /// for validating a script's shape without copying functions out.
    public func typeName(at path: LuaPath) -> String {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        do {
            try pushValue(at: path, top: top)
        } catch {
            return "nil"
        }
        return String(cString: lua_typename(L, lua_type(L, -1)))
    }

    /// Sets a global to a copy of `value`, bypassing the globals protection.
    public func setGlobal(_ name: String, _ value: LuaValue) throws(LuaError) {
        clua_pushglobaltable(L)
        stack.pushString(name)
        do {
            try stack.push(value)
        } catch {
            lua_settop(L, -3)
            throw error
        }
        lua_rawset(L, -3)
        lua_settop(L, -2)
    }

    /// Pushes the value at `path` with raw lookups. Stack: [-0, +1]
    /// - Throws: `.runtime` when a step before the last is not a table.
    func pushValue(at path: LuaPath, top: Int32) throws(LuaError) {
        switch path.root {
        case .global: clua_pushglobaltable(L)
        case .module: pushModules()
        }
        for (i, name) in path.names.enumerated() {
            guard lua_type(L, -1) == LUA_TTABLE else {
                let type = String(cString: lua_typename(L, lua_type(L, -1)))
                lua_settop(L, top)
                let parent = path.names[..<i].joined(separator: ".")
                throw LuaError(kind: .runtime, message: "\(parent) is a \(type) value, not a table (looking up \(path))")
            }
            stack.pushString(name)
            lua_rawget(L, -2)
            lua_copy(L, -1, -2)
            lua_settop(L, -2)
        }
    }
}
