/// A Lua value as plain Swift data: what can cross between Swift and Lua by copy.
///
/// Integers and floats stay apart (Lua 5.4 keeps them apart: `2^53 + 1` survives
/// as `.int`), and strings are bytes because Lua strings may hold any byte,
/// NUL included. Functions, userdata and threads have no case: they cannot be
/// copied out of a state, and pulling one fails with the path where it sat.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// The bytes of a Lua string; not necessarily UTF-8.
    case string([UInt8])
    case table(LuaTable)
}

/// A Lua table split into its sequence and the rest.
///
/// `array` holds `t[1] ... t[n]` for the longest run of non-nil values from 1;
/// `map` holds every other key. An **empty Lua table** pulls as a `LuaTable`
/// with both parts empty; `isArray` says true for it, so it becomes `[]` in
/// JSON (extraction results hold far more empty lists than empty objects).
public struct LuaTable: Sendable, Hashable {
    public var array: [LuaValue]
    public var map: [LuaValue: LuaValue]

    public init(array: [LuaValue] = [], map: [LuaValue: LuaValue] = [:]) {
        self.array = array
        self.map = map
    }

    /// True when every key is part of the sequence (the empty table included).
    public var isArray: Bool { map.isEmpty }

    /// The value at a string key (`t.name`), in the map part.
    public subscript(key: String) -> LuaValue? {
        map[.string(Array(key.utf8))]
    }
}

extension LuaValue {
    /// Hashes strings as whole buffers (the synthesized hash feeds an array
    /// to the hasher byte by byte, which dominated pulling small tables).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .double(let d): hasher.combine(d)
        case .string(let bytes):
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        case .table(let table): hasher.combine(table)
        }
    }

    /// A Lua string holding this text's UTF-8 bytes.
    public static func text(_ text: String) -> LuaValue { .string(Array(text.utf8)) }

    /// The text of a string whose bytes are valid UTF-8.
    public var stringValue: String? {
        guard case .string(let bytes) = self else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The integer, or a float with an exact integer value (Lua's `3.0`).
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    /// Either kind of number as a Double.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The table, when this is one.
    public var tableValue: LuaTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// Lua's name for the type, as `type()` would say it.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .table: return "table"
        }
    }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self = .table(LuaTable(map: Dictionary(elements, uniquingKeysWith: { _, last in last })))
    }
}
