import Crawl
import Engines
import Logging
import NIOPosix
import Pool
import Scripting
import Testing
import TestSupport

/// A real crawl path for tests: the shipped scripts (a private copy), a real
/// pool, the real HTTP engine, and the loopback test server.
struct CrawlFixture {
    let crawler: Crawler
    let pool: EnginePool<ContinuousClock>
    let scripts: ScriptRegistry
    let folder: ScriptFolder

    /// Runs `body` with a fixture, and shuts its pool down afterwards,
    /// also when `body` throws: an engine dropped with its client still
    /// running stops the whole test process (AsyncHTTPClient's deinit check),
    /// which once hid a failed crawl's error behind a crash of every test.
    ///
    /// - Parameter policies: edits the shipped policies.lua before it loads.
    static func with(
        denyPrivate: Bool = false, browserLaunch: BrowserLaunchConfiguration = BrowserLaunchConfiguration(),
        policies: (String) -> String = { $0 }, trees: TreeGate = TreeGate(),
        _ body: (CrawlFixture) async throws -> Void
    ) async throws {
        let logger = Logger(label: "crawl-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("policies.lua", try patient(policies(folder.read("policies.lua"))))
        let scripts = ScriptRegistry(directory: folder.path, logger: logger)
        try await scripts.reload()
        let pool = EnginePool(policy: scripts.policies, logger: logger)
        let crawler = Crawler(
            pool: pool, scripts: scripts, validator: URLValidator(denyPrivate: denyPrivate, hostAddresses: HostAddresses()),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, browserLaunch: browserLaunch, trees: trees, logger: logger
        )
        do {
            try await body(CrawlFixture(crawler: crawler, pool: pool, scripts: scripts, folder: folder))
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
    }

    /// The HTTP engine's configuration for a request without a config: the
    /// defaults, but for deadlines of ten minutes (`patient(_:)`).
    static let defaultHTTPConfiguration: HTTPEngineConfiguration = {
        var configuration = HTTPEngineConfiguration()
        configuration.timeoutMilliseconds = 600_000
        configuration.connectTimeoutMilliseconds = 600_000
        return configuration
    }()

    /// `policies` with `defaultHTTPConfiguration`'s deadlines where a
    /// request's HTTP config names none, as `withHTTPEngine` gives engine
    /// tests: on two loaded cores a starved loopback fetch can pass the 30 s
    /// and 10 s defaults. Tests about deadlines name their own (or give the request one).
    private static func patient(_ policies: String) throws -> String {
        let end = "  return engine, config\nend\n"
        try #require(policies.contains(end), "policies.lua's engine_for no longer ends with `return engine, config`")
        let deadlines = """
              if engine == "http" then
                config.timeout_ms = config.timeout_ms or \(defaultHTTPConfiguration.timeoutMilliseconds)
                config.connect_timeout_ms = config.connect_timeout_ms or \(defaultHTTPConfiguration.connectTimeoutMilliseconds)
              end

            """
        return policies.replacing(end, with: deadlines + end, maxReplacements: 1)
    }
}
