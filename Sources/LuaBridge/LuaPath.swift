/// Where a function or value lives in a state: a global, or a field inside a
/// module (the table a script returned, kept under the script's name).
///
/// `.module("policies", "janitor")` is `policies.janitor` where `policies` is
/// what policies.lua returned; `.global("print")` is the global `print`.
/// Lookups are raw (no metamethods), so a script's `__index` cannot run or
/// raise while Swift resolves a path.
public struct LuaPath: Sendable, Hashable, CustomStringConvertible {
    enum Root: Sendable, Hashable {
        case global
        case module
    }

    let root: Root
    /// The first name is the global or module; the rest are fields inside it.
    public let names: [String]

    init(root: Root, names: [String]) {
        precondition(!names.isEmpty, "a LuaPath names at least its root")
        self.root = root
        self.names = names
    }

    /// A global, or a field inside one (`.global("string", "format")`).
    public static func global(_ name: String, _ fields: String...) -> LuaPath {
        LuaPath(root: .global, names: [name] + fields)
    }

    /// A field of a loaded module (`.module("policies", "janitor")`).
    public static func module(_ name: String, _ fields: String...) -> LuaPath {
        LuaPath(root: .module, names: [name] + fields)
    }

    public var description: String { names.joined(separator: ".") }
}

/// An argument of a call into Lua: a value copied in, or a Swift object
/// passed as userdata of a registered type, valid until the call returns.
public enum LuaArgument {
    case value(LuaValue)
    case object(AnyObject)
}
