import LuaBridge
import Testing
import TestSupport

/// Generations: validated as a whole, swapped atomically, refused on error.
@Suite struct LuaScriptRegistryTests {
    private static func module(value: Int) -> String {
        """
        local M = { value = \(value) }
        function M.get(n)
          local s = 0
          for i = 1, n do s = s + 1 end
          return M.value
        end
        return M
        """
    }

    /// A registry whose product is `m.value`, and which requires `m.get`.
    private func registry(_ folder: ScriptFolder) -> LuaScriptRegistry<Int> {
        LuaScriptRegistry(directory: folder.path, poolCapacity: 2) { state, scripts throws(LuaError) in
            guard scripts.script(named: "m.lua") != nil else {
                throw LuaError(kind: .validation, message: "m.lua is missing")
            }
            guard state.typeName(at: .module("m", "get")) == "function" else {
                throw LuaError(kind: .validation, message: "m.lua: get must be a function", script: "m.lua")
            }
            guard let value = try state.value(at: .module("m", "value")).intValue else {
                throw LuaError(kind: .validation, message: "m.lua: value must be an integer", script: "m.lua")
            }
            return Int(value)
        }
    }

    @Test func aBrokenScriptKeepsTheOldGeneration() throws {
        let folder = ScriptFolder()
        folder.write("m.lua", Self.module(value: 1))
        let registry = registry(folder)
        #expect(try registry.reload().number == 1)

        folder.write("m.lua", "local M = {}\nM.get = nil\nreturn M.x.y")
        let error = try #require(throws: LuaError.self) { try registry.reload() }
        #expect(error.message == "m.lua:3: attempt to index a nil value (field 'x')")
        #expect(error.line == 3)
        #expect(registry.current?.number == 1)
        #expect(registry.current?.product == 1)
        #expect(registry.lastError == error)

        folder.write("m.lua", "return { value = 'two', get = function() end }")
        let shape = try #require(throws: LuaError.self) { try registry.reload() }
        #expect(shape.message == "m.lua: value must be an integer")
        #expect(registry.current?.product == 1)

        folder.write("m.lua", Self.module(value: 3))
        let next = try registry.reload()
        #expect(next.number == 2)
        #expect(next.product == 3)
        #expect(registry.lastError == nil)
    }

    @Test func aMissingFolderIsAClearError() throws {
        let registry = LuaScriptRegistry<Int>(directory: "/nonexistent/crawld-scripts") { _, _ throws(LuaError) in 0 }
        let error = try #require(throws: LuaError.self) { try registry.reload() }
        #expect(error.kind == .validation)
        #expect(error.message.hasPrefix("cannot read scripts directory /nonexistent/crawld-scripts"))
        #expect(registry.current == nil)
    }

    @Test func hundredCallsInFlightDuringAReloadAllSucceed() async throws {
        let folder = ScriptFolder()
        folder.write("m.lua", Self.module(value: 1))
        let registry = registry(folder)
        try registry.reload()
        folder.write("m.lua", Self.module(value: 2))

        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for i in 0..<100 {
                group.addTask {
                    let generation = try #require(registry.current)
                    let value = try await generation.pool.withState { state in
                        try state.call(.module("m", "get"), [.int(Int64(1000 + i * 100))]).first?.intValue
                    }
                    return (generation.product, Int(try #require(value)))
                }
                if i == 50 { group.addTask { (try registry.reload().product, -1) } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let calls = results.filter { $0.1 != -1 }
        #expect(calls.count == 100)
        #expect(calls.allSatisfy { $0.0 == $0.1 })
        #expect(registry.current?.number == 2)
        #expect(registry.current?.product == 2)
    }
}
