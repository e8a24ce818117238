import InMemoryLogging
import Logging
import LuaBridge
import Pool
import Scripting
import Testing
import TestSupport

/// Reloads publish whole generations; refused ones leave the live one alone.
@Suite struct ScriptReloadTests {
    private func registry(_ folder: ScriptFolder, _ log: InMemoryLogHandler = InMemoryLogHandler()) -> ScriptRegistry {
        ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in log })
    }

    @Test func anEditTakesEffectOnReload() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let registry = registry(folder)
        try await registry.reload()
        folder.write("policies.lua", folder.read("policies.lua").replacingFirst("promote_after = 3", with: "promote_after = 7"))
        #expect(await registry.policies.promoteAfter() == 3)
        #expect(try await registry.reload() == 2)
        #expect(await registry.policies.promoteAfter() == 7)
    }

    @Test func aBrokenScriptKeepsTheOldGenerationAndReportsTheLine() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let log = InMemoryLogHandler()
        let registry = registry(folder, log)
        try await registry.reload()
        let shipped = folder.read("policies.lua")
        let broken = shipped.replacingFirst("if memory_percent > 80 then", with: "if memory_percent.x > 80 then")
        folder.write("policies.lua", broken)
        let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("memory_percent.x") }! + 1

        let error = await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(error?.message == "policies.lua:\(line): attempt to index a number value (local 'memory_percent')")
        #expect(error?.line == line)
        #expect(registry.generation == 1)
        #expect(registry.lastError == error)
        #expect(await registry.policies.janitor(memoryPercent: 90) == JanitorSettings(interval: .seconds(10), coldTTL: .seconds(30), hotTTL: .seconds(120)))
        #expect(log.entries.contains { $0.message.description.contains("scripts refused") })

        folder.write("policies.lua", shipped)
        #expect(try await registry.reload() == 2)
        #expect(registry.lastError == nil)
    }

    @Test func aMissingPoliciesScriptIsRefused() async throws {
        let folder = ScriptFolder()
        folder.write("other.lua", "return {}")
        let registry = registry(folder)
        let error = await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(error?.message == "policies.lua is missing from the scripts directory")
    }

    @Test func aSyntaxErrorIsRefused() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("policies.lua", "local pool = {\n  promote_after = 3\n  memory_limit_percent = 95,\n}")
        let error = await #expect(throws: LuaError.self) { try await registry(folder).reload() }
        #expect(error?.kind == .syntax)
        #expect(error?.line == 3)
    }

    @Test func aScriptThatLoopsAtLoadIsRefused() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("policies.lua", "while true do end")
        let registry = ScriptRegistry(
            directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() },
            limits: LuaLimits(instructions: 1_000_000))
        let error = await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(error?.kind == .budgetExceeded)
    }

    @Test func hundredPolicyCallsDuringAReloadAllSucceed() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let log = InMemoryLogHandler()
        let registry = registry(folder, log)
        try await registry.reload()
        folder.write("policies.lua", folder.read("policies.lua").replacingFirst("interval_s = 10,", with: "interval_s = 5,"))
        let old = JanitorSettings(interval: .seconds(10), coldTTL: .seconds(30), hotTTL: .seconds(120))
        let new = JanitorSettings(interval: .seconds(5), coldTTL: .seconds(30), hotTTL: .seconds(120))

        let results = try await withThrowingTaskGroup(of: JanitorSettings?.self) { group in
            for i in 0..<100 {
                group.addTask { await registry.policies.janitor(memoryPercent: 95) }
                if i == 30 {
                    group.addTask {
                        try await registry.reload()
                        return nil
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.compactMap { $0 }
        }
        #expect(results.count == 100)
        #expect(results.allSatisfy { $0 == old || $0 == new })
        #expect(registry.generation == 2)
        #expect(await registry.policies.janitor(memoryPercent: 95) == new)
        #expect(!log.entries.contains { $0.message.description.contains("script_error") })
    }
}
