import LuaBridge
import Testing

/// The deadline holds inside the C functions the instruction hook never
/// interrupts: string patterns and the table functions poll it themselves.
///
/// Serialized: each test keeps a core busy until its deadline, and several
/// at once would starve the other suites' calls into their own deadlines.
@Suite(.serialized) struct LuaCFunctionDeadlineTests {
    /// A 2 s deadline, as the daemon's default, and no instruction budget to
    /// hit first: only the deadline can stop these calls.
    private static let limits = LuaLimits(instructions: .max, timeout: .seconds(2))
    /// The mechanism stops within a few microseconds of matching past the
    /// deadline (a poll every 4,096 steps); the rest is room for a loaded
    /// machine's scheduler.
    private static let allowedOverrun = Duration.milliseconds(300)

    private func state(_ source: String, limits: LuaLimits = Self.limits) throws -> LuaState {
        let state = try LuaState(limits: limits)
        _ = try state.run(Array((source + "\nfunction ok() return 'ok' end").utf8), chunkName: "c.lua")
        return state
    }

    /// Runs `name` and returns its error and how long the call took.
    private func stopped(_ state: LuaState, _ name: String) throws -> (LuaError, Duration) {
        let clock = ContinuousClock()
        var caught: LuaError?
        let elapsed = clock.measure {
            do throws(LuaError) {
                _ = try state.call(.global(name))
            } catch {
                caught = error
            }
        }
        return (try #require(caught), elapsed)
    }

    /// Runs `run` of `source` with a `timeout` deadline and no instruction
    /// budget (after `setup`, which runs outside any deadline), and checks it
    /// stopped at the deadline; returns the state.
    @discardableResult
    private func expectDeadline(_ source: String, timeout: Duration, setup: (LuaState) throws -> Void = { _ in }) throws -> LuaState {
        let state = try state(source, limits: LuaLimits(instructions: .max, timeout: timeout))
        try setup(state)
        let (error, elapsed) = try stopped(state, "run")
        #expect(error.kind == .deadlineExceeded, "\(error)")
        #expect(elapsed < timeout + Self.allowedOverrun, "\(elapsed)")
        return state
    }

    /// The issue's examples: backtracking over a 150 KB subject is O(n^2),
    /// minutes of matching, with no instruction to hook.
    @Test(arguments: [
        #"subject:find("(.-)x")"#,
        #"subject:gsub("%s*$", "")"#,
        #"subject:match("^(.-)%s*$")"#,
        #"(function() for w in subject:gmatch("%s*x") do end end)()"#,
    ])
    func aBacktrackingPatternEndsAtTheDeadline(expression: String) throws {
        let source = """
            local subject = ("a" .. (" "):rep(150 * 1024) .. "a")
            function run() return \(expression) end
            """
        let state = try expectDeadline(source, timeout: Self.limits.timeout)
        #expect(try state.call(.global("ok")) == ["ok"])
    }

    @Test func pcallAroundAPatternCannotSwallowTheStop() throws {
        let source = """
            local subject = (" "):rep(150 * 1024)
            swallowed = 0
            function run()
              while true do
                pcall(string.find, subject, "(.-)x")
                swallowed = swallowed + 1
              end
            end
            """
        let state = try state(source)
        let (error, _) = try stopped(state, "run")
        #expect(error.kind == .deadlineExceeded)
        #expect(try state.value(at: .global("swallowed")) == 0)
    }

    /// Loops that allocate nothing, so that neither the hook nor the memory
    /// cap could stop them before.
    @Test(arguments: [
        "table.move({}, 1, 1 << 62, 2)",
        "table.remove(setmetatable({}, { __len = function() return 1 << 62 end }), 1)",
        "table.insert(setmetatable({}, { __len = function() return 1 << 62 end }), 1, 'x')",
        "table.concat(setmetatable({}, { __index = type }), '', 1, 1 << 40)",
    ])
    func aTableFunctionEndsAtTheDeadline(expression: String) throws {
        try expectDeadline("function run() return \(expression) end", timeout: .milliseconds(300))
    }

    /// Each call is a pass over 16 MB (tens of milliseconds) and a loop
    /// runs about 200 of them between two count hooks: seconds past the
    /// deadline before the hook looked at the clock. The watchdog's signal
    /// arms the hook for the next instruction instead.
    @Test(arguments: ["utf8.len(s)", "s:upper()", "#(s .. s)"])
    func aLoopOfLongCallsEndsAtTheDeadline(expression: String) throws {
        let source = "function run() local n = 0 while true do n = n + #tostring(\(expression)) end end"
        try expectDeadline(source, timeout: .milliseconds(300)) { state in
            try state.setGlobal("s", .string([UInt8](repeating: 120, count: 16 << 20)))
        }
    }

    /// Compiling 16 MB takes most of a second and runs no instruction; the
    /// parser gets the chunk in pieces and the deadline is looked at between them.
    @Test(arguments: [
        #"load("return " .. ("1+"):rep(1 << 20):rep(8) .. "1")"#,
        #"load(function() if done then return nil end done = true return "return " .. ("1+"):rep(1 << 20):rep(8) .. "1" end)"#,
    ])
    func compilingAHugeChunkEndsAtTheDeadline(expression: String) throws {
        try expectDeadline("done = false\nfunction run() return \(expression) end", timeout: .milliseconds(300))
    }

    @Test func loadStillCompilesFromAReaderFunction() throws {
        let source = """
            function run()
              local parts, i = { "return ", "1 +", " 41" }, 0
              return load(function() i = i + 1 return parts[i] end, "=parts")()
            end
            """
        #expect(try state(source).call(.global("run")) == [42])
    }

    /// `string.rep` of empty copies looped 2^62 times in Lua 5.4.4.
    @Test func repeatingAnEmptyStringReturnsAtOnce() throws {
        let state = try state(#"function run() return ("").rep("", 1 << 62), ("").rep("", 1 << 62, "") end"#)
        #expect(try state.call(.global("run")) == ["", ""])
    }

    /// The vendored matcher and table functions behave as Lua's own.
    @Test func patternsAndTablesStillWork() throws {
        let source = #"""
            function run()
              local t = { 5, 3, 9, 1 }
              table.sort(t)
              local d = { 1, 2, 3 }
              table.sort(d, function(a, b) return a > b end)
              table.insert(t, 1, 0)
              local removed = table.remove(t)
              return {
                find = { ("hello world"):find("o w") },
                match = ("key = value"):match("^(%w+)%s*=%s*(%w+)$"),
                gsub = (("a,b,,c"):gsub(",", ";")),
                count = select(2, ("abcabc"):gsub("b", "%0%0")),
                balanced = ("f(a(b)c) d"):match("%b()"),
                frontier = ("THE (quick) fox"):find("%f[%a]%a+%f[%A]"),
                position = ("abc"):match("()b()"),
                words = (function() local w = {} for x in ("one two three"):gmatch("%a+") do w[#w + 1] = x end return w end)(),
                rep = ("ab"):rep(3, "-"),
                sorted = table.concat(t, ","),
                removed = removed,
                down = table.concat(d, ","),
                moved = table.concat(table.move({ 1, 2, 3 }, 1, 3, 2), ","),
              }
            end
            """#
        let state = try state(source)
        let result = try #require(state.call(.global("run")).first?.tableValue)
        #expect(result["find"] == [5, 7])
        #expect(result["match"] == "key")
        #expect(result["gsub"] == "a;b;;c")
        #expect(result["count"] == 2)
        #expect(result["balanced"] == "(a(b)c)")
        #expect(result["frontier"] == 1)
        #expect(result["position"] == 2)
        #expect(result["words"] == ["one", "two", "three"])
        #expect(result["rep"] == "ab-ab-ab")
        #expect(result["sorted"] == "0,1,3,5")
        #expect(result["removed"] == 9)
        #expect(result["down"] == "3,2,1")
        #expect(result["moved"] == "1,1,2,3")
    }
}
