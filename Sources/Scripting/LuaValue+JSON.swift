import JSON
import LuaBridge

extension JSONValue {
    /// Converts what a script returned into JSON.
    ///
    /// A table whose keys are exactly 1...n becomes an array; the empty table
    /// becomes `[]` (see `LuaTable`); a table with string keys only becomes an
    /// object, keys sorted so answers read the same every time.
    /// - Parameter path: how the value is named in errors (`data`).
    /// - Throws: `.conversion` naming the path (`data.items[3].price`) of a
    ///   table that mixes array items and keys, a non-string key, a string that
    ///   is not UTF-8, or a NaN / infinite number.
    public init(lua value: LuaValue, path: String) throws(LuaError) {
        self = try Self.converting(value, path: path)
    }

    /// The conversion itself. The path is built only when an error names it:
    /// building it for every value made a string per value of every page.
    private static func converting(_ value: LuaValue, path: @autoclosure () -> String) throws(LuaError) -> JSONValue {
        switch value {
        case .nil: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d):
            guard d.isFinite else { throw Self.error("is not a finite number", path()) }
            return .double(d)
        case .string:
            guard let text = value.stringValue else { throw Self.error("is not valid UTF-8", path()) }
            return .string(text)
        case .table(let table):
            if table.isArray {
                var items: [JSONValue] = []
                items.reserveCapacity(table.array.count)
                for (i, element) in table.array.enumerated() {
                    items.append(try converting(element, path: "\(path())[\(i + 1)]"))
                }
                return .array(items)
            }
            guard table.array.isEmpty else { throw Self.error("mixes array items and keys", path()) }
            var members: [(String, LuaValue)] = []
            members.reserveCapacity(table.map.count)
            for (key, element) in table.map {
                guard let name = key.stringValue else { throw Self.error("has a \(key.typeName) key", path()) }
                members.append((name, element))
            }
            var object = JSONObject(minimumCapacity: members.count)
            for (name, element) in members.sorted(by: { $0.0 < $1.0 }) {
                object[name] = try converting(element, path: "\(path()).\(name)")
            }
            return .object(object)
        }
    }

    private static func error(_ what: String, _ path: String) -> LuaError {
        LuaError(kind: .conversion, message: "\(path) \(what), which JSON cannot hold")
    }
}

extension LuaValue {
    /// JSON as Lua: arrays become sequences, objects tables with string keys.
    /// A `null` becomes nil, so an object member that is null disappears in
    /// Lua, as with Lua's JSON libraries that have no null sentinel.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .nil
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .text(s)
        case .array(let items): self = .table(LuaTable(array: items.map(LuaValue.init(json:))))
        case .object(let object):
            // Sized at once: politeness(host, stats) gets a table of a dozen members before every request.
            var map = [LuaValue: LuaValue](minimumCapacity: object.count)
            for (key, member) in object where member != .null {
                map[.text(key)] = LuaValue(json: member)
            }
            self = .table(LuaTable(map: map))
        }
    }
}
