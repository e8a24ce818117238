import LuaBridge
import Testing

/// Errors name the script and line, Lua style, and carry a traceback.
@Suite struct LuaErrorTests {
    @Test func syntaxErrorsNameTheFileAndLine() throws {
        let state = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try state.loadModule(Array("return {\n  a = 1,\n  b = = 2,\n}".utf8), chunkName: "policies.lua", as: "policies")
        }
        #expect(error.kind == .syntax)
        #expect(error.script == "policies.lua")
        #expect(error.line == 3)
        #expect(error.message.hasPrefix("policies.lua:3: unexpected symbol"))
    }

    @Test func runtimeErrorsCarryLineAndTraceback() throws {
        let state = try LuaState()
        let source = """
            local M = {}
            function M.janitor(mem)
              local t = nil
              return t.x
            end
            return M
            """
        try state.loadModule(Array(source.utf8), chunkName: "policies.lua", as: "policies")
        let error = try #require(throws: LuaError.self) { try state.call(.module("policies", "janitor"), [50]) }
        #expect(error.kind == .runtime)
        #expect(error.message == "policies.lua:4: attempt to index a nil value (local 't')")
        #expect(error.script == "policies.lua")
        #expect(error.line == 4)
        #expect(error.traceback?.hasPrefix("stack traceback:") == true)
        #expect(error.traceback?.contains("policies.lua:4: in function") == true)
    }

    @Test func errorWithATableValueIsDescribed() throws {
        let state = try LuaState()
        _ = try state.run(Array("function f() error({ code = 1 }) end".utf8), chunkName: "e.lua")
        let error = try #require(throws: LuaError.self) { try state.call(.global("f")) }
        #expect(error.message == "(error object is a table value)")
    }

    @Test func callingAMissingFunctionSaysWhat() throws {
        let state = try LuaState()
        try state.loadModule(Array("return { pool = { size = 1 } }".utf8), chunkName: "p.lua", as: "p")
        let missing = try #require(throws: LuaError.self) { try state.call(.module("p", "janitor")) }
        #expect(missing.message == "p.janitor is not a function (a nil value)")
        let notTable = try #require(throws: LuaError.self) { try state.call(.module("p", "pool", "size", "x")) }
        #expect(notTable.message == "p.pool.size is a number value, not a table (looking up p.pool.size.x)")
    }

    @Test func theStateWorksAfterAnError() throws {
        let state = try LuaState()
        _ = try state.run(Array("function f(x) if x then error('boom') end return 7 end".utf8), chunkName: "f.lua")
        #expect(throws: LuaError.self) { try state.call(.global("f"), [true]) }
        #expect(try state.call(.global("f")) == [7])
    }
}

/// Results read in place: fields of a returned table without copying it.
@Suite struct LuaResultsTests {
    @Test func fieldsAreReadInPlace() throws {
        let state = try LuaState()
        _ = try state.run(Array("function f() return { a = 1, b = 'x', c = { 1 } }, 7 end".utf8), chunkName: "r.lua")
        let read = try state.call(.global("f"), []) { results throws(LuaError) in
            (
                results.count, results.isTable(0), try results.field(0, "a"), try results.field(0, "b"), try results.field(0, "c"),
                try results.field(0, "missing"), try results.field(1, "a"), try results.value(1)
            )
        }
        #expect(read.0 == 2 && read.1)
        #expect(read.2 == 1 && read.3 == "x" && read.4 == [1] && read.5 == .nil && read.6 == .nil && read.7 == 7)
        #expect(try state.call(.global("f")).count == 2)
    }
}
