internal import CLua
internal import CLuaShims

/// Push and pull of `LuaValue`s on one Lua stack (the state's, or the thread
/// a Swift function was called on).
///
/// Nothing here raises a Lua error: pushes run with the memory cap off (only
/// a real malloc failure could fail, and Lua's panic handler logs that), and
/// pulls only use raw, non-allocating reads (`lua_next`, `lua_rawget`,
/// `lua_tolstring` on values that already are strings).
struct LuaStack {
    let L: OpaquePointer
    /// What one `pull` may copy out.
    let copyLimit: LuaCopyLimit

    /// Deeper nesting than this is refused instead of overflowing Swift's stack.
    static let maxDepth = 200

    // MARK: - Push

    /// Pushes a value. Stack: [-0, +1] on success, [-0, +0] when it throws.
    func push(_ value: LuaValue) throws(LuaError) {
        let top = lua_gettop(L)
        do {
            try push(value, depth: 0)
        } catch {
            lua_settop(L, top)
            throw error
        }
    }

    private func push(_ value: LuaValue, depth: Int) throws(LuaError) {
        switch value {
        case .nil: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .int(let i): lua_pushinteger(L, lua_Integer(i))
        case .double(let d): lua_pushnumber(L, d)
        case .string(let bytes): pushBytes(bytes)
        case .table(let table):
            guard depth < Self.maxDepth, lua_checkstack(L, 3) != 0 else {
                throw LuaError(kind: .conversion, message: "table nested deeper than \(Self.maxDepth) levels")
            }
            lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.map.count))
            for (i, element) in table.array.enumerated() {
                try push(element, depth: depth + 1)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            for (key, element) in table.map {
                if key == .nil || key.doubleValue?.isNaN == true {
                    throw LuaError(kind: .conversion, message: "a table key cannot be \(key == .nil ? "nil" : "NaN")")
                }
                try push(key, depth: depth + 1)
                try push(element, depth: depth + 1)
                lua_rawset(L, -3)
            }
        }
    }

    /// Pushes bytes as a Lua string. Stack: [-0, +1]
    func pushBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            _ = lua_pushlstring(L, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buffer.count)
        }
    }

    /// Pushes a Swift string's UTF-8. Stack: [-0, +1]
    func pushString(_ string: String) {
        var string = string
        string.withUTF8 { buffer in
            _ = lua_pushlstring(L, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buffer.count)
        }
    }

    // MARK: - Pull

    /// Copies the value at `index` out of Lua. Stack: [-0, +0]
    /// - Parameter root: how the value is named in errors (`data`, `argument #2`).
    /// - Throws: `.conversion` naming the path (`data.items[3].price`) of a
    ///   function, userdata, thread or cycle.
    /// - Throws: `.conversion` too past `copyLimit`, which a value made of
    ///   shared tables reaches long before Swift's memory runs out.
    func pull(at index: Int32, root: LuaValueRoot) throws(LuaError) -> LuaValue {
        var copy = Copy(visiting: [], left: copyLimit)
        do {
            return try pull(at: lua_absindex(L, index), copy: &copy)
        } catch {
            let path = LuaValuePath(root: root, keys: error.keys.reversed())
            throw LuaError(kind: .conversion, message: "\(error.reason) at \(path)")
        }
    }

    /// Why a pull failed, and the keys from the failing value up to the root,
    /// collected while unwinding so that a pull that succeeds builds no path.
    private struct PullFailure: Error {
        let reason: String
        var keys: [LuaValue] = []

        /// The same failure, one table further from the root.
        func under(_ key: LuaValue) -> PullFailure {
            var copy = self
            copy.keys.append(key)
            return copy
        }
    }

    /// One pull in progress: the tables on the path from the root (to tell
    /// a cycle), and what is left of the copy limit.
    private struct Copy {
        var visiting: [UnsafeRawPointer]
        var left: LuaCopyLimit

        /// Takes one value of `bytes` (plus its Swift cell) from what is left.
        mutating func take(bytes: Int, limit: LuaCopyLimit) throws(PullFailure) {
            left.values -= 1
            left.bytes -= bytes + LuaCopyLimit.bytesPerValue
            guard left.values >= 0, left.bytes >= 0 else {
                throw PullFailure(
                    reason: "value too large to copy out of Lua (more than \(limit); "
                        + "a table reached twice counts twice)")
            }
        }
    }

    private func pull(at index: Int32, copy: inout Copy) throws(PullFailure) -> LuaValue {
        let type = lua_type(L, index)
        if type == LUA_TSTRING {
            var length = 0
            let pointer = clua_tostring(L, index, &length)
            try copy.take(bytes: length, limit: copyLimit)
            return .string(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
        }
        try copy.take(bytes: 0, limit: copyLimit)
        switch type {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .int(Int64(lua_tointegerx(L, index, nil))) }
            return .double(lua_tonumberx(L, index, nil))
        case LUA_TTABLE: return try pullTable(at: index, copy: &copy)
        default: throw PullFailure(reason: "cannot convert a \(typeName(at: index))")
        }
    }

    /// The bytes of the string at `index` (which must be a string, not a number).
    func bytes(at index: Int32) -> [UInt8] {
        var length = 0
        guard let pointer = clua_tostring(L, index, &length) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    /// The text of the string at `index`; nil when it is no string (numbers
    /// included) or not valid UTF-8.
    func text(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let pointer = clua_tostring(L, index, &length) else { return nil }
        return String(validating: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// Lua's name for the type of the value at `index`.
    func typeName(at index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }

    /// Reads the sequence 1...n with `lua_rawgeti`, then every other key with
    /// `lua_next`, so a plain array never goes through a dictionary.
    private func pullTable(at index: Int32, copy: inout Copy) throws(PullFailure) -> LuaValue {
        guard let identity = lua_topointer(L, index) else { return .table(LuaTable()) }
        if copy.visiting.contains(identity) { throw PullFailure(reason: "cannot convert a table that contains itself") }
        guard copy.visiting.count < Self.maxDepth, lua_checkstack(L, 3) != 0 else {
            throw PullFailure(reason: "table nested deeper than \(Self.maxDepth) levels")
        }
        copy.visiting.append(identity)
        defer { copy.visiting.removeLast() }
        var table = LuaTable()
        while lua_rawgeti(L, index, lua_Integer(table.array.count + 1)) != LUA_TNIL {
            do {
                table.array.append(try pull(at: lua_gettop(L), copy: &copy))
            } catch {
                lua_settop(L, -2)
                throw error.under(LuaValue.int(Int64(table.array.count + 1)))
            }
            lua_settop(L, -2)
        }
        lua_settop(L, -2)
        let sequence = Int64(table.array.count)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            if lua_isinteger(L, -2) != 0, case let k = Int64(lua_tointegerx(L, -2, nil)), k >= 1, k <= sequence {
                lua_settop(L, -2)
                continue
            }
            let key: LuaValue
            switch lua_type(L, -2) {
            case LUA_TSTRING, LUA_TNUMBER, LUA_TBOOLEAN: key = try pull(at: lua_gettop(L) - 1, copy: &copy)
            default:
                let type = typeName(at: -2)
                lua_settop(L, -3)
                throw PullFailure(reason: "cannot convert a table key of type \(type)")
            }
            do {
                table.map[key] = try pull(at: lua_gettop(L), copy: &copy)
            } catch {
                lua_settop(L, -3)
                throw error.under(key)
            }
            lua_settop(L, -2)
        }
        return .table(table)
    }
}

/// How a pulled value is named at the root of an error's path.
enum LuaValueRoot: CustomStringConvertible {
    /// A value read at a path (`policies.pool`).
    case value(LuaPath)
    /// Result `index` (from 0) of a function called at a path (`p.janitor()`).
    case result(LuaPath, Int)
    /// Field `name` of result `index` of a function (`p.janitor().interval_s`).
    case field(LuaPath, Int, String)
    /// Result `index` of running a chunk (`policies.lua`).
    case chunk(String, Int)
    /// Argument `index` (from 0) of a Swift function (`argument #1`).
    case argument(Int)

    var description: String {
        switch self {
        case .value(let path): return path.description
        case .result(let path, let i): return i == 0 ? "\(path)()" : "\(path)()#\(i + 1)"
        case .field(let path, let i, let name): return "\(LuaValueRoot.result(path, i)).\(name)"
        case .chunk(let name, let i): return i == 0 ? name : "\(name)#\(i + 1)"
        case .argument(let i): return "argument #\(i + 1)"
        }
    }
}

/// Where a value sits inside what is being converted, for error messages:
/// `data.items[3].price`, `result["a key"]`.
struct LuaValuePath: CustomStringConvertible {
    let root: LuaValueRoot
    /// From the root down.
    let keys: [LuaValue]

    var description: String {
        var text = root.description
        for key in keys {
            switch key {
            case .int(let i): text += "[\(i)]"
            case .string:
                let name = key.stringValue ?? "?"
                let isName =
                    name.utf8.first.map { !(48...57).contains($0) } ?? false
                    && name.utf8.allSatisfy { $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
                text += isName ? ".\(name)" : "[\"\(name)\"]"
            case .double(let d): text += "[\(d)]"
            case .bool(let b): text += "[\(b)]"
            default: text += "[?]"
            }
        }
        return text
    }
}
