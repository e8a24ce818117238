import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    @Suite
    struct BrowserMemoryTests {
        /// The renderer processes of a browser's group.
        private static func renderers(of engine: BrowserEngine) -> [Int32] {
            guard let group = engine.processID else { return [] }
            return ProcFS.members(ofGroup: group).filter { ProcFS.arguments($0).contains { $0.contains("--type=renderer") } }
        }

        /// An idle browser holds no renderer; in use it keeps one spare
        /// renderer for the next render, and drops it once idle again. The idle
        /// time is made up (`dropIdleSpare(now:)` an hour ahead): on real time,
        /// a busy test run could pass the spare's timeout before the spare was seen.
        @Test func spareRendererIsKeptWhileInUseAndDroppedWhenIdle() async throws {
            let server = try await PageServer()
            let launch = BrowserLaunchConfiguration(profileRoot: testProfileRoot, spareIdleTimeout: .seconds(1800))
            try await withBrowser(launch: launch) { engine in
                #expect(Self.renderers(of: engine).isEmpty, "a browser that never rendered holds no renderer")
                _ = try await engine.render(url: server.url("/small"))
                #expect(await pollUntil(seconds: 60) { Self.renderers(of: engine).count == 1 }, "the spare's renderer is up and the used one is gone")
                engine.dropIdleSpare(now: .now + .seconds(3600))
                #expect(await pollUntil(seconds: 60) { Self.renderers(of: engine).isEmpty }, "the idle browser dropped its spare")
                let again = try await engine.render(url: server.url("/js"))
                #expect(again.html.contains("built by script"))
            }
        }

        /// A context per render is disposed with its page: a hundred renders must
        /// not grow the browser the way a hundred leaked tabs would (each holds
        /// several MB). The bound is loose on purpose; the benchmark reports the figure.
        @Test func hundredSequentialRendersKeepPSSBounded() async throws {
            let server = try await PageServer()
            let bound = 48 << 20
            try await withBrowser { engine in
                for _ in 0..<10 { _ = try await engine.render(url: server.url("/js")) }
                let before = await engine.memoryBytes()
                for _ in 0..<100 { _ = try await engine.render(url: server.url("/js")) }
                // Renderers of disposed contexts exit asynchronously (slowly on a loaded
                // machine: a CI run's busy start once took longer than 10 s), so the bound
                // must hold once they are gone, not at once.
                var after = await engine.memoryBytes()
                _ = await pollUntil(seconds: 60) {
                    after = await engine.memoryBytes()
                    return after - before < bound
                }
                #expect(before > 0)
                #expect(after - before < bound, "PSS grew from \(before >> 20) MB to \(after >> 20) MB over 100 renders")
                #expect(await engine.isHealthy())
            }
        }
    }
}
