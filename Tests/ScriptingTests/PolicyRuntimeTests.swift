import InMemoryLogging
import Logging
import LuaBridge
import Pool
import Scripting
import Testing
import TestSupport

/// A policy function that fails or returns a bad value at run time is logged
/// and replaced by the last good value.
@Suite struct PolicyRuntimeTests {
    /// The shipped policies with a janitor that misbehaves at 42 % and 43 %
    /// (values validation never probes).
    private static let misbehaving = #"""
        local shipped = M.janitor
        function M.janitor(memory_percent)
          if memory_percent == 42 then return { interval_s = 0, cold_ttl_s = 1, hot_ttl_s = 1 } end
          if memory_percent == 43 then error("janitor exploded") end
          if memory_percent == 44 then while true do end end
          return shipped(memory_percent)
        end
        return M
        """#

    @Test func badValuesAtRunTimeFallBackToTheLastGood() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("policies.lua", folder.read("policies.lua").replacingFirst("return M\n", with: Self.misbehaving))
        let log = InMemoryLogHandler()
        let registry = ScriptRegistry(
            directory: folder.path, logger: Logger(label: "test") { _ in log }, limits: LuaLimits(instructions: 1_000_000))
        try await registry.reload()
        let policies = registry.policies

        let calm = JanitorSettings(interval: .seconds(30), coldTTL: .seconds(60), hotTTL: .seconds(300))
        #expect(await policies.janitor(memoryPercent: 70) == calm)
        #expect(await policies.janitor(memoryPercent: 42) == calm)
        #expect(await policies.janitor(memoryPercent: 43) == calm)
        #expect(await policies.janitor(memoryPercent: 44) == calm)

        let errors = log.entries.filter { $0.message.description.hasPrefix("script_error") }
        #expect(errors.count == 3)
        #expect(
            errors.map { $0.metadata["crawld.error"]?.description ?? "" } == [
                "policies.lua: janitor(42).interval_s must be a number of seconds > 0 (got 0)",
                "policies.lua:\(lineOf("janitor exploded", in: folder.read("policies.lua"))): janitor exploded",
                "instruction budget exceeded after 1001000 instructions",
            ])
    }

    @Test func aFailingRetryPolicyGivesUp() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let source = folder.read("policies.lua").replacingFirst("  if attempt > 3 then", with: "  if attempt == 2 then error('no') end\n  if attempt > 3 then")
        folder.write("policies.lua", source)
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        try await registry.reload()
        #expect(await registry.policies.retryDelay(attempt: 1, status: 503, error: nil) == .seconds(1))
        #expect(await registry.policies.retryDelay(attempt: 2, status: 503, error: nil) == nil)
    }

    private func lineOf(_ text: String, in source: String) -> Int {
        source.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }! + 1
    }
}
