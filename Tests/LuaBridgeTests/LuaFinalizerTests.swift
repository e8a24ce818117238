import LuaBridge
import Testing

/// Scripts cannot install finalizers: Lua runs `__gc` with hooks off, so a
/// loop in one would hang a collection, a reload or the state's close.
@Suite struct LuaFinalizerTests {
    private static let limits = LuaLimits(instructions: 1_000_000, timeout: .seconds(2))

    @Test func setmetatableRefusesAGCField() throws {
        let state = try LuaState(limits: Self.limits)
        let source = "return setmetatable({}, { __gc = function() while true do end end })"
        let error = try #require(throws: LuaError.self) { try state.run(Array(source.utf8), chunkName: "gc.lua") }
        #expect(error.kind == .runtime)
        #expect(error.message.contains("a metatable with __gc is not allowed"), "\(error.message)")
    }

    /// Lua 5.4 marks an object for finalization only when setmetatable sees
    /// `__gc`: a field set afterwards never runs, so the collector and the
    /// state's close return.
    @Test func aGCFieldAddedAfterwardsNeverRuns() throws {
        let state = try LuaState(limits: Self.limits)
        let source = """
            ran = false
            local mt = {}
            local t = setmetatable({}, mt)
            rawset(mt, "__gc", function() ran = true while true do end end)
            mt.__gc = function() ran = true while true do end end
            t = nil
            collectgarbage()
            return ran
            """
        #expect(try state.run(Array(source.utf8), chunkName: "gc.lua") == [false])
        state.collectGarbage()
        #expect(try state.value(at: .global("ran")) == false)
    }

    @Test func setmetatableStillWorksWithoutGC() throws {
        let state = try LuaState(limits: Self.limits)
        let source = "return setmetatable({}, { __index = function(_, k) return k .. '!' end }).hi, getmetatable(setmetatable({}, { __metatable = 'x' }))"
        #expect(try state.run(Array(source.utf8), chunkName: "mt.lua") == ["hi!", "x"])
    }

    /// Options that would change the collector of a state the next request reuses.
    @Test(arguments: ["stop", "restart", "incremental", "generational", "setpause", "setstepmul"])
    func collectgarbageRefusesOptionsThatOutliveTheCall(option: String) throws {
        let state = try LuaState(limits: Self.limits)
        let error = try #require(throws: LuaError.self) {
            try state.run(Array("return collectgarbage('\(option)')".utf8), chunkName: "gc.lua")
        }
        #expect(error.message.contains("collectgarbage('\(option)') is not allowed"), "\(error.message)")
        #expect(try state.run(Array("return collectgarbage('count') > 0, collectgarbage()".utf8), chunkName: "gc.lua") == [true, 0])
    }
}
