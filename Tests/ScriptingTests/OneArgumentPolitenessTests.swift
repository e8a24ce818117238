import InMemoryLogging
import JSON
import Logging
import Scripting
import Testing
import TestSupport

/// A policies.lua written before issue 24, with `politeness(host)` of one
/// argument, loads and answers as before: the statistics are an extra argument it ignores.
@Suite struct OneArgumentPolitenessTests {
    @Test func aPolitenessOfOneArgumentKeepsWorking() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let source = folder.read("policies.lua")
        let start = try #require(source.range(of: "function M.politeness(host, stats)"))
        let end = try #require(source.range(of: "-- Whether to retry a failed page"))
        folder.write(
            "policies.lua",
            String(source[..<start.lowerBound]) + """
                function M.politeness(host)
                  return { delay_ms = 250, max_concurrency = 3 }
                end

                """ + String(source[end.lowerBound...]))
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        #expect(try await registry.reload() == 1)
        let stats: JSONObject = ["throttled": 2, "refused_rate": 10.0, "delay_ms": 250.0, "max_concurrency": 3]
        #expect(await registry.policies.politeness(host: "example.com", stats: stats) == Politeness(delay: .milliseconds(250), maxConcurrency: 3))
    }
}
