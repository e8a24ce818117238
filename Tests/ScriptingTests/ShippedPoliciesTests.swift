import InMemoryLogging
import JSON
import Logging
import Pool
import Scripting
import Testing
import TestSupport

/// The shipped scripts/policies.lua loads and reproduces crawl4ai's defaults.
@Suite struct ShippedPoliciesTests {
    private func loaded() async throws -> (ScriptRegistry, ScriptFolder) {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        #expect(try await registry.reload() == 1)
        return (registry, folder)
    }

    @Test func poolValuesAreCrawl4aiDefaults() async throws {
        let (registry, _) = try await loaded()
        let policies = registry.policies
        #expect(await policies.promoteAfter() == 3)
        #expect(await policies.memoryLimitPercent() == 95)
        #expect(await policies.idleTTL() == .seconds(300))
        #expect(await policies.retirement(kind: "browser") == RetirementSettings(afterUses: 500))
        #expect(await policies.retirement(kind: "http") == RetirementSettings())
        #expect(registry.generation == 1)
        #expect(registry.lastError == nil)
    }

    @Test(arguments: [
        (0.0, 60, 300, 600), (60.0, 60, 300, 600), (60.5, 30, 60, 300), (80.0, 30, 60, 300),
        (80.1, 10, 30, 120), (100.0, 10, 30, 120),
    ])
    func janitorFollowsMemoryBands(percent: Double, interval: Int, cold: Int, hot: Int) async throws {
        let (registry, _) = try await loaded()
        let expected = JanitorSettings(interval: .seconds(interval), coldTTL: .seconds(cold), hotTTL: .seconds(hot))
        #expect(await registry.policies.janitor(memoryPercent: percent) == expected)
    }

    @Test func engineChoiceFollowsTheRequest() async throws {
        let (registry, _) = try await loaded()
        let policies = registry.policies
        let url = "https://example.com/a"
        #expect(try await policies.engine(for: url, request: ["url": .string(url)]) == EngineChoice(engine: "http"))
        #expect(try await policies.engine(for: url, request: ["js": "window.scrollTo(0, 1e6)"]) == EngineChoice(engine: "browser"))
        #expect(try await policies.engine(for: url, request: ["screenshot": true]) == EngineChoice(engine: "browser"))
        let asked = try await policies.engine(for: url, request: ["engine": "browser", "config": ["headless": true, "viewport": ["width": 800]]])
        #expect(asked == EngineChoice(engine: "browser", config: ["headless": true, "viewport": ["width": 800]]))
    }

    @Test func politenessIsPerHost() async throws {
        let (registry, _) = try await loaded()
        #expect(await registry.policies.politeness(host: "example.com") == Politeness(delay: .seconds(1), maxConcurrency: 2))
        #expect(await registry.policies.politeness(host: "127.0.0.1") == Politeness(delay: .zero, maxConcurrency: 16))
    }

    @Test(arguments: [
        (1, 503, nil, 1000), (2, nil, "timeout", 2000), (3, 429, nil, 4000), (4, 503, nil, nil), (1, 404, nil, nil), (1, 200, nil, nil),
    ] as [(Int, Int?, String?, Int?)])
    func retryBacksOffThenGivesUp(attempt: Int, status: Int?, error: String?, delayMs: Int?) async throws {
        let (registry, _) = try await loaded()
        let delay = await registry.policies.retryDelay(attempt: attempt, status: status, error: error)
        #expect(delay == delayMs.map { .milliseconds($0) })
    }

    @Test func beforeAnyLoadTheDefaultsApply() async throws {
        let registry = ScriptRegistry(directory: "/nonexistent", logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        let policy: any PoolPolicy = registry.policies
        #expect(await policy.promoteAfter() == 3)
        #expect(await policy.janitor(memoryPercent: 99) == PolicySettings.defaults.janitor)
        #expect(registry.generation == 0)
    }
}
