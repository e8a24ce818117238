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
        // A browser that reads the DOM fetches no image, font or media; one that takes a picture fetches all.
        let block: JSONValue = ["image", "font", "media"]
        #expect(try await policies.engine(for: url, request: ["js": "window.scrollTo(0, 1e6)"]) == EngineChoice(engine: "browser", config: ["block": block]))
        #expect(try await policies.engine(for: url, request: ["wait_for": "#app"]) == EngineChoice(engine: "browser", config: ["block": block]))
        #expect(try await policies.engine(for: url, request: ["wait_until": "networkidle"]) == EngineChoice(engine: "browser", config: ["block": block]))
        #expect(try await policies.engine(for: url, request: ["screenshot": true]) == EngineChoice(engine: "browser"))
        let asked = try await policies.engine(for: url, request: ["engine": "browser", "config": ["headless": true, "viewport": ["width": 800]]])
        #expect(asked == EngineChoice(engine: "browser", config: ["block": block, "headless": true, "viewport": ["width": 800]]))
        let fetchAll = try await policies.engine(for: url, request: ["engine": "browser", "config": ["block": []]])
        #expect(fetchAll == EngineChoice(engine: "browser", config: ["block": []]))
    }

    @Test func politenessStartsAtTheFloorForRemoteHostsAndFastForLocalOnes() async throws {
        let (registry, _) = try await loaded()
        #expect(await registry.policies.politeness(host: "example.com") == Politeness(delay: .seconds(1), maxConcurrency: 1))
        #expect(await registry.policies.politeness(host: "127.0.0.1") == Politeness(delay: .milliseconds(96), maxConcurrency: 1))
    }

    /// A refusal halves the rate (the delay becomes 2 / the refused rate) and
    /// the concurrency; then the delay comes back by 4% an answer to that of
    /// 95% of the refused rate (crawld spaces starts by the delay, so that
    /// is the rate), a target that grows the longer nothing is refused. The
    /// measured rate does not steer it: before, a pace measured over the last
    /// second lagged the delay and the pace swung past the host's limit.
    @Test func politenessHalvesOnRefusalThenRecovers() async throws {
        let (registry, _) = try await loaded()
        let policies = registry.policies
        let refused: JSONObject = ["throttled": 1, "refused_rate": 40.0, "delay_ms": 25.0, "max_concurrency": 4, "latency_ms": 100.0]
        #expect(await policies.politeness(host: "127.0.0.1", stats: refused) == Politeness(delay: .milliseconds(50), maxConcurrency: 2))
        let slow: JSONObject = ["refused_rate": 40.0, "rate": 20.0, "delay_ms": 50.0, "max_concurrency": 2, "latency_ms": 100.0]
        #expect(await policies.politeness(host: "127.0.0.1", stats: slow) == Politeness(delay: .milliseconds(48), maxConcurrency: 3))
        // Target after 10 quiet seconds: 0.95 × 40 × (1 + 0.08 + 0.005) = 41.23/s, a delay of 24.254 ms; never shorter.
        let near: JSONObject = ["refused_rate": 40.0, "rate": 20.0, "delay_ms": 25.0, "max_concurrency": 3, "latency_ms": 100.0, "since_refusal_ms": 10_000.0]
        #expect(await policies.politeness(host: "127.0.0.1", stats: near) == Politeness(delay: .microseconds(24_254), maxConcurrency: 4))
        // Just after a refusal the target is 38/s: a delay shorter than its 26.316 ms goes straight back to it.
        let fast: JSONObject = ["refused_rate": 40.0, "rate": 50.0, "delay_ms": 26.0, "max_concurrency": 3, "latency_ms": 100.0]
        #expect(await policies.politeness(host: "127.0.0.1", stats: fast) == Politeness(delay: .microseconds(26_316), maxConcurrency: 4))
        let remote: JSONObject = ["throttled": 2, "refused_rate": 0.5, "delay_ms": 1000.0, "max_concurrency": 2]
        #expect(await policies.politeness(host: "example.com", stats: remote) == Politeness(delay: .seconds(4), maxConcurrency: 1))
    }

    /// A later reading of the limit (`limit_readings` 2 and up) is the pace
    /// the policy held when the host refused it: the target holds at 95% of
    /// it until 60 quiet seconds, then creeps as after the first reading
    /// (a host may raise its limit). Before, it crept past it within seconds
    /// (+4.5% after 10 s) into the next refusal and its `Retry-After` pause,
    /// every 6 to 12 s in issue 24's benchmark.
    @Test func politenessHoldsUnderALaterReadingOfTheLimit() async throws {
        let policies = try await loaded().0.policies
        var stats: JSONObject = ["refused_rate": 40.0, "limit_readings": 2, "delay_ms": 25.0, "max_concurrency": 3, "latency_ms": 100.0]
        for quiet in [10_000.0, 59_000.0] {
            stats["since_refusal_ms"] = .double(quiet)
            #expect(await policies.politeness(host: "127.0.0.1", stats: stats) == Politeness(delay: .microseconds(26_316), maxConcurrency: 4))
        }
        stats["since_refusal_ms"] = 70_000.0
        #expect(await policies.politeness(host: "127.0.0.1", stats: stats) == Politeness(delay: .microseconds(24_254), maxConcurrency: 4))
        // The first reading, 30 quiet seconds: 0.95 × 40 × (1 + 0.24 + 0.045) = 48.83/s.
        stats["limit_readings"] = 1
        stats["since_refusal_ms"] = 30_000.0
        #expect(await policies.politeness(host: "127.0.0.1", stats: stats) == Politeness(delay: .milliseconds(24), maxConcurrency: 4))
    }

    @Test(
        arguments: [
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
