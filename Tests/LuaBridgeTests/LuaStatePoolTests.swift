import LuaBridge
import Testing

/// The pool lends each state to one task at a time and replaces broken ones.
@Suite struct LuaStatePoolTests {
    private static func makeState() throws(LuaError) -> LuaState {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 16 << 20, instructions: .max, timeout: .seconds(60)))
        let source = #"""
            busy = false
            function work(n)
              if busy then error("state shared between tasks") end
              busy = true
              local s = 0
              for i = 1, n do s = s + i end
              busy = false
              return s
            end
            function grow() local t = {} while true do t[#t + 1] = ("x"):rep(1e6) end end
            """#
        _ = try state.run(Array(source.utf8), chunkName: "work.lua")
        return state
    }

    @Test func manyTasksShareFewStatesWithoutOverlap() async throws {
        let pool = LuaStatePool(capacity: 2) { () throws(LuaError) in try Self.makeState() }
        let sums = try await withThrowingTaskGroup(of: LuaValue.self) { group in
            for _ in 0..<50 {
                group.addTask { try await pool.withState { try $0.call(.global("work"), [10_000]).first ?? .nil } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums.count == 50)
        #expect(sums.allSatisfy { $0 == .int(50_005_000) })
        #expect(pool.stateCount <= 2)
    }

    @Test func aStateThatHitTheMemoryCapIsReplaced() async throws {
        let pool = LuaStatePool(capacity: 1) { () throws(LuaError) in try Self.makeState() }
        try await pool.withState { state in
            try state.setGlobal("marker", "first")
            #expect(throws: LuaError.self) { try state.call(.global("grow")) }
        }
        let marker = try await pool.withState { try $0.value(at: .global("marker")) }
        #expect(marker == .nil)
        #expect(pool.stateCount == 1)
    }

    @Test func aStateWithoutMemoryTroubleIsKept() async throws {
        let pool = LuaStatePool(capacity: 1) { () throws(LuaError) in try Self.makeState() }
        try await pool.withState { try $0.setGlobal("marker", "first") }
        #expect(try await pool.withState { try $0.value(at: .global("marker")) } == "first")
    }

    @Test func aFailingFactoryIsReportedAndDoesNotLeakASlot() async throws {
        let pool = LuaStatePool(capacity: 1) { () throws(LuaError) in
            throw LuaError(kind: .validation, message: "no state today")
        }
        for _ in 0..<3 {
            let error = await #expect(throws: LuaError.self) { try await pool.withState { _ in 1 } }
            #expect(error?.message == "no state today")
        }
        #expect(pool.stateCount == 0)
    }
}
