#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One script file: its name (`policies.lua`) and its bytes.
public struct LuaScript: Sendable, Equatable {
    public let name: String
    public let source: [UInt8]

    public init(name: String, source: [UInt8]) {
        self.name = name
        self.source = source
    }

    /// The module the script's returned table is kept as: its name without `.lua`.
    public var module: String {
        name.hasSuffix(".lua") ? String(name.dropLast(4)) : name
    }
}

/// Every `*.lua` of a folder, read at one moment: the input of a generation.
public struct LuaScriptSet: Sendable, Equatable {
    public let scripts: [LuaScript]

    public init(scripts: [LuaScript]) {
        self.scripts = scripts.sorted { $0.name < $1.name }
    }

    /// Reads every `*.lua` in `directory`, in name order.
    /// - Throws: `.validation` when the folder or a file cannot be read.
    public static func read(directory: String) throws(LuaError) -> LuaScriptSet {
        guard let dir = opendir(directory) else {
            throw LuaError(kind: .validation, message: "cannot read scripts directory \(directory): \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasSuffix(".lua"), !name.hasPrefix(".") { names.append(name) }
        }
        closedir(dir)
        var scripts: [LuaScript] = []
        for name in names {
            scripts.append(LuaScript(name: name, source: try readFile(directory + "/" + name, name: name)))
        }
        return LuaScriptSet(scripts: scripts)
    }

    /// The script with this file name.
    public func script(named name: String) -> LuaScript? {
        scripts.first { $0.name == name }
    }

    /// A fresh state with `prepare` applied (Swift functions, userdata types),
    /// then every script loaded as a module, then globals protected.
    /// - Throws: the first script's compile or run error.
    public func makeState(limits: LuaLimits, prepare: (LuaState) throws(LuaError) -> Void) throws(LuaError) -> LuaState {
        let state = try LuaState(limits: limits)
        try prepare(state)
        for script in scripts {
            try state.loadModule(script.source, chunkName: script.name, as: script.module)
        }
        state.protectGlobals()
        return state
    }

    private static func readFile(_ path: String, name: String) throws(LuaError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw LuaError(kind: .validation, message: "\(name): cannot read: \(String(cString: strerror(errno)))", script: name)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        guard ferror(file) == 0 else {
            throw LuaError(kind: .validation, message: "\(name): read error", script: name)
        }
        return bytes
    }
}
