import LuaBridge
import Testing

/// Scripts see only the sandbox: each escape hatch is closed.
@Suite struct LuaSandboxTests {
    private func eval(_ expression: String, in state: LuaState? = nil) throws -> LuaValue {
        let state = try state ?? LuaState()
        return try state.run(Array("return \(expression)".utf8), chunkName: "sandbox.lua").first ?? .nil
    }

    @Test(arguments: [
        "io", "debug", "package", "require", "dofile", "loadfile", "string.dump", "os.execute", "os.exit",
        "os.getenv", "os.remove", "os.rename", "os.tmpname", "os.setlocale",
        "coroutine",
    ])
    func deniedNamesAreNil(name: String) throws {
        #expect(try eval(name) == .nil)
    }

    @Test(arguments: ["os.time", "os.clock", "os.date", "string.format", "table.concat", "math.floor", "utf8.char", "pcall", "load"])
    func allowedNamesAreFunctions(name: String) throws {
        #expect(try eval("type(\(name))") == "function")
    }

    @Test func loadRefusesBinaryChunks() throws {
        let state = try LuaState()
        let results = try state.run(Array(#"return load("\27Lua\84\0", "bin")"#.utf8), chunkName: "sandbox.lua")
        #expect(results.first == .nil)
        let message = try #require(results.dropFirst().first?.stringValue)
        #expect(message.contains("attempt to load a binary chunk"))
    }

    @Test func loadStillCompilesText() throws {
        #expect(try eval(#"load("return 1 + 2")()"#) == 3)
        #expect(try eval(#"load("return x", "chunk", "b", { x = 5 })()"#) == 5)
    }

    @Test func stringMethodsHaveNoDump() throws {
        #expect(try eval(#"("x").dump"#) == .nil)
    }

    @Test func globalsAreProtectedAfterLoading() throws {
        let state = try LuaState()
        _ = try state.run(Array("function set() leaked = 1 end".utf8), chunkName: "g.lua")
        state.protectGlobals()
        let error = try #require(throws: LuaError.self) { try state.call(.global("set")) }
        #expect(error.message == "g.lua:1: attempt to create global 'leaked' (use a local variable)")
        #expect(try eval("getmetatable(_G)", in: state) == "protected")
        #expect(throws: LuaError.self) { try eval("setmetatable(_G, nil)", in: state) }
    }
}
