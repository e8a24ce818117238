import LuaBridge
import Testing

/// The memory cap has no holes: the error handler, what Swift functions
/// push, and what Swift copies out of Lua all count.
@Suite struct LuaMemoryCapTests {
    private static let cap = 16 << 20

    private func state(_ source: String, limits: LuaLimits = LuaLimits(memoryBytes: cap, timeout: .seconds(30))) throws -> LuaState {
        let state = try LuaState(limits: limits)
        _ = try state.run(Array((source + "\nfunction ok() return 'ok' end").utf8), chunkName: "cap.lua")
        return state
    }

    // MARK: - The message handler

    /// An error object's `__tostring` used to run with the cap off: here it
    /// would build 200 MiB under a 16 MiB cap. It runs capped now, fails,
    /// and the object's type stands in for the message.
    @Test func anErrorObjectsToStringRunsUnderTheCap() throws {
        let source = """
            function fail()
              error(setmetatable({}, { __tostring = function()
                local t = {}
                for i = 1, 200 do t[i] = ("x"):rep(1 << 20) .. i end
                return "built " .. #t
              end }))
            end
            """
        let state = try state(source)
        let error = try #require(throws: LuaError.self) { try state.call(.global("fail")) }
        #expect(error.message == "(error object is a table value)")
        #expect(state.memoryLimitHit)
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func aLongErrorMessageIsCut() throws {
        let state = try state(#"function fail() error(("x"):rep(1 << 20), 0) end"#)
        let error = try #require(throws: LuaError.self) { try state.call(.global("fail")) }
        #expect(error.message.utf8.count < 4200)
        #expect(error.message.hasSuffix("... (message cut, 1048576 bytes in all)"))
    }

    // MARK: - What Swift functions push

    private func pageState() throws -> LuaState {
        let state = try state(
            """
            function keep(n)
              local kept = {}
              for i = 1, n do kept[i] = false end
              for i = 1, n do kept[i] = page() end
              return #kept
            end
            function drop(n)
              for i = 1, n do local text = page() end
              return n
            end
            """)
        let text = String(repeating: "p", count: 4 << 20)
        state.register(function: "page") { call in try call.push(text: text) }
        return state
    }

    /// Forty 4 MiB results kept under a 16 MiB cap: the Swift function's
    /// result past the cap raises Lua's own "not enough memory".
    @Test func resultsOfSwiftFunctionsCountAgainstTheCap() throws {
        let state = try pageState()
        let error = try #require(throws: LuaError.self) { try state.call(.global("keep"), [40]) }
        #expect(error.kind == .memory, "\(error)")
        #expect(error.message.hasSuffix("not enough memory"))
        #expect(state.memoryUsed < Self.cap + (4 << 20) + (1 << 20))
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    /// Results dropped at once are garbage, which is collected before the
    /// cap refuses anything.
    @Test func resultsThatAreDroppedDoNotHitTheCap() throws {
        let state = try pageState()
        #expect(try state.call(.global("drop"), [40]) == [40])
        #expect(!state.memoryLimitHit)
    }

    final class Handle {}

    /// A handle pushed during a call keeps its Swift object until the call
    /// ends (the extractor's node wrappers): a million of them count.
    @Test func handlesPushedDuringACallCountUntilItEnds() throws {
        let state = try state("function spin(n) for i = 1, n do handle() end return n end")
        state.register(type: Handle.self, name: "Handle", methods: [:])
        state.register(function: "handle") { call in try call.push(Handle()) }
        #expect(try state.call(.global("spin"), [1000]) == [1000])
        let error = try #require(throws: LuaError.self) { try state.call(.global("spin"), [1_000_000]) }
        #expect(error.kind == .memory, "\(error)")
        #expect(try state.call(.global("spin"), [1000]) == [1000])
    }

    // MARK: - Copies out of Lua

    /// `a = {a, a}` forty deep: a few KB in Lua, 2^40 values in Swift.
    @Test func aSharedTableIsCopiedUnderABudget() throws {
        let state = try state("function dag(n) local a = {} for i = 1, n do a = { a, a } end return a end")
        let clock = ContinuousClock()
        var caught: LuaError?
        let elapsed = clock.measure {
            do throws(LuaError) { _ = try state.call(.global("dag"), [40]) } catch { caught = error }
        }
        let error = try #require(caught)
        #expect(error.kind == .conversion)
        #expect(error.message.contains("too large to copy out of Lua (more than 100000 values or 16 MiB"), "\(error.message)")
        #expect(elapsed < .seconds(5))
        #expect(try state.call(.global("dag"), [10]).count == 1)
    }

    @Test func aSharedStringCountsEachTimeItIsReached() throws {
        let state = try state("function many() local s = ('x'):rep(1 << 20) local t = {} for i = 1, 40 do t[i] = s end return t end")
        let error = try #require(throws: LuaError.self) { try state.call(.global("many")) }
        #expect(error.kind == .conversion)
        #expect(error.message.contains("too large to copy"))
    }

    @Test func theValueBudgetIsALimit() throws {
        let limits = LuaLimits(memoryBytes: Self.cap, timeout: .seconds(30), copyValues: 1000)
        let state = try state("function list(n) local t = {} for i = 1, n do t[i] = i end return t end", limits: limits)
        #expect(try state.call(.global("list"), [998]).first?.tableValue?.array.count == 998)
        #expect(throws: LuaError.self) { try state.call(.global("list"), [1000]) }
    }
}
