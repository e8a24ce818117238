import LuaBridge
import Testing

/// Instruction budget, deadline and memory cap stop runaway scripts, and the
/// state keeps working afterwards.
@Suite struct LuaBudgetTests {
    private let small = LuaLimits(memoryBytes: 32 << 20, instructions: 200_000, timeout: .seconds(30))

    private func state(_ source: String, limits: LuaLimits) throws -> LuaState {
        let state = try LuaState(limits: limits)
        _ = try state.run(Array((source + "\nfunction ok() return 'ok' end").utf8), chunkName: "runaway.lua")
        return state
    }

    @Test func infiniteLoopEndsWithBudgetExceeded() throws {
        let state = try state("function spin() while true do end end", limits: small)
        let error = try #require(throws: LuaError.self) { try state.call(.global("spin")) }
        #expect(error.kind == .budgetExceeded)
        #expect(error.message.contains("instruction budget exceeded after"))
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func pcallCannotSwallowTheBudget() throws {
        let source = """
            swallowed = 0
            function spin()
              while true do
                local ok = pcall(function() while true do end end)
                swallowed = swallowed + 1
              end
            end
            """
        let state = try state(source, limits: small)
        let error = try #require(throws: LuaError.self) { try state.call(.global("spin")) }
        #expect(error.kind == .budgetExceeded)
        #expect(try state.value(at: .global("swallowed")) == 0)
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func errorHandlerOfXpcallCannotSwallowTheBudget() throws {
        let source = "function spin() while true do xpcall(function() while true do end end, function(m) return m end) end end"
        let state = try state(source, limits: small)
        let error = try #require(throws: LuaError.self) { try state.call(.global("spin")) }
        #expect(error.kind == .budgetExceeded)
    }

    @Test func deepRecursionEndsWithAnError() throws {
        let state = try state("function deep(n) return 1 + deep(n + 1) end", limits: LuaLimits(memoryBytes: 32 << 20, instructions: 100_000_000))
        let error = try #require(throws: LuaError.self) { try state.call(.global("deep"), [1]) }
        #expect([LuaError.Kind.runtime, .memory, .budgetExceeded].contains(error.kind))
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func deadlineStopsALoopWithinBudget() throws {
        let limits = LuaLimits(instructions: .max, timeout: .milliseconds(50))
        let state = try state("function spin() while true do end end", limits: limits)
        let error = try #require(throws: LuaError.self) { try state.call(.global("spin")) }
        #expect(error.kind == .deadlineExceeded)
        #expect(error.message.contains("wall-clock deadline exceeded"))
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func memoryCapStopsAGrowingTableAndTheStateRecovers() throws {
        let source = #"function grow() local t = {} while true do t[#t + 1] = ("x"):rep(1e6) end end"#
        let state = try state(source, limits: LuaLimits(memoryBytes: 16 << 20, instructions: .max, timeout: .seconds(60)))
        let error = try #require(throws: LuaError.self) { try state.call(.global("grow")) }
        #expect(error.kind == .memory)
        #expect(state.memoryLimitHit)
        state.collectGarbage()
        #expect(state.memoryUsed < 16 << 20)
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func memoryCapCaughtByPcallIsStillRecorded() throws {
        let source = #"function grow() return pcall(function() local t = {} while true do t[#t + 1] = ("x"):rep(1e6) end end) end"#
        let state = try state(source, limits: LuaLimits(memoryBytes: 16 << 20, instructions: .max, timeout: .seconds(60)))
        let results = try state.call(.global("grow"))
        #expect(results == [false, "not enough memory"])
        #expect(state.memoryLimitHit)
    }

    @Test func swiftPushesAreNotCapped() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 1 << 20))
        _ = try state.run(Array("function len(s) return #s end".utf8), chunkName: "len.lua")
        let big = LuaValue.string([UInt8](repeating: 65, count: 4 << 20))
        #expect(try state.call(.global("len"), [big]) == [.int(4 << 20)])
    }
}

/// A Swift function that calls back into Lua gets no fresh budget or cap.
@Suite struct LuaNestedCallTests {
    @Test func nestedCallsShareTheOuterBudgetAndCap() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 16 << 20, instructions: 200_000, timeout: .seconds(30)))
        state.register(function: "callback") { [unowned state] call in
            try call.push(state.call(.global("inner")).first ?? .nil)
        }
        let source = #"""
            function inner() return 1 end
            function spin() while true do callback() end end
            function grow() callback() local t = {} while true do t[#t + 1] = ("x"):rep(1e6) end end
            """#
        _ = try state.run(Array(source.utf8), chunkName: "nested.lua")
        #expect(try state.run(Array("return callback()".utf8), chunkName: "once.lua") == [1])
        let spin = try #require(throws: LuaError.self) { try state.call(.global("spin")) }
        #expect(spin.kind == .budgetExceeded)
        let grow = try #require(throws: LuaError.self) { try state.call(.global("grow")) }
        #expect(grow.kind == .memory)
    }
}
