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
    func pull(at index: Int32, root: String) throws(LuaError) -> LuaValue {
        var path = LuaValuePath(root: root)
        var visiting: [UnsafeRawPointer] = []
        return try pull(at: lua_absindex(L, index), path: &path, visiting: &visiting)
    }

    private func pull(at index: Int32, path: inout LuaValuePath, visiting: inout [UnsafeRawPointer]) throws(LuaError) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .int(Int64(lua_tointegerx(L, index, nil))) }
            return .double(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(bytes(at: index))
        case LUA_TTABLE: return try pullTable(at: index, path: &path, visiting: &visiting)
        default:
            let type = String(cString: lua_typename(L, lua_type(L, index)))
            throw LuaError(kind: .conversion, message: "cannot convert a \(type) at \(path)")
        }
    }

    /// The bytes of the string at `index` (which must be a string, not a number).
    func bytes(at index: Int32) -> [UInt8] {
        var length = 0
        guard let pointer = clua_tostring(L, index, &length) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    private func pullTable(at index: Int32, path: inout LuaValuePath, visiting: inout [UnsafeRawPointer]) throws(LuaError) -> LuaValue {
        guard let identity = lua_topointer(L, index) else { return .table(LuaTable()) }
        if visiting.contains(identity) {
            throw LuaError(kind: .conversion, message: "cannot convert a table that contains itself at \(path)")
        }
        guard visiting.count < Self.maxDepth, lua_checkstack(L, 3) != 0 else {
            throw LuaError(kind: .conversion, message: "table nested deeper than \(Self.maxDepth) levels at \(path)")
        }
        visiting.append(identity)
        defer { visiting.removeLast() }
        var entries: [LuaValue: LuaValue] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let key: LuaValue
            switch lua_type(L, -2) {
            case LUA_TSTRING, LUA_TNUMBER, LUA_TBOOLEAN: key = try pull(at: lua_absindex(L, -2), path: &path, visiting: &visiting)
            default:
                let type = String(cString: lua_typename(L, lua_type(L, -2)))
                lua_settop(L, -3)
                throw LuaError(kind: .conversion, message: "cannot convert a table key of type \(type) at \(path)")
            }
            path.enter(key)
            do {
                entries[key] = try pull(at: lua_absindex(L, -1), path: &path, visiting: &visiting)
            } catch {
                lua_settop(L, -3)
                throw error
            }
            path.leave()
            lua_settop(L, -2)
        }
        var array: [LuaValue] = []
        var next: Int64 = 1
        while let element = entries.removeValue(forKey: .int(next)) {
            array.append(element)
            next += 1
        }
        return .table(LuaTable(array: array, map: entries))
    }
}

/// Where a value sits inside what is being converted, for error messages:
/// `data.items[3].price`, `result["a key"]`.
struct LuaValuePath: CustomStringConvertible {
    private var components: [String]

    init(root: String) { components = [root] }

    mutating func enter(_ key: LuaValue) {
        switch key {
        case .int(let i): components.append("[\(i)]")
        case .string:
            let text = key.stringValue ?? "?"
            let isName = !text.isEmpty && text.utf8.allSatisfy { $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
                && !(48...57).contains(text.utf8.first!)
            components.append(isName ? ".\(text)" : "[\"\(text)\"]")
        case .double(let d): components.append("[\(d)]")
        case .bool(let b): components.append("[\(b)]")
        default: components.append("[?]")
        }
    }

    mutating func leave() { components.removeLast() }

    var description: String { components.joined() }
}
