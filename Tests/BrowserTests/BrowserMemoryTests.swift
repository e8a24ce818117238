import Testing

@testable import Engines

extension BrowserSuites {
    @Suite
    struct BrowserMemoryTests {
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
                // machine), so the bound must hold once they are gone, not at once.
                var after = await engine.memoryBytes()
                for _ in 0..<100 where after - before >= bound {
                    try await Task.sleep(for: .milliseconds(100))
                    after = await engine.memoryBytes()
                }
                #expect(before > 0)
                #expect(after - before < bound, "PSS grew from \(before >> 20) MB to \(after >> 20) MB over 100 renders")
                #expect(await engine.isHealthy())
            }
        }
    }
}
