import Foundation

/// Tests/Servers/jobsite.py as a subprocess on a free loopback port.
public final class JobSiteServer: Sendable {
    private let server: ScriptServer
    public var port: Int { server.port }

    public var base: String { "http://127.0.0.1:\(port)" }

    /// The site on its `index`th address (0 is 127.0.0.2), when started with `hosts`.
    public func base(host index: Int) -> String { "http://127.0.0.\(2 + index):\(port)" }

    /// Starts the server and reads the port it printed.
    /// - Parameters:
    ///   - crawlDelay: a `Crawl-delay` value for robots.txt, written as given (`1e16`, `nan`, …).
    ///   - hostileRobots: append 498 KiB of long wildcard rules to robots.txt.
    ///   - robotsLatencyMs: how long robots.txt takes to answer.
    ///   - extraLinks: out-of-scope links added to every page (big records).
    ///   - requireHeader: `Name: value`, a header every request but robots.txt's must carry (else 403).
    public init(
        pages: Int, latencyMs: Int = 0, robotsStatus: Int = 200, crawlDelay: String? = nil, hostileRobots: Bool = false,
        robotsLatencyMs: Int = 0, extraLinks: Int = 0, hosts: Int = 0, log: String? = nil, requireHeader: String? = nil
    ) throws {
        var arguments: [String] = ["--pages", String(pages), "--latency-ms", String(latencyMs)]
        arguments += ["--robots-status", String(robotsStatus), "--robots-latency-ms", String(robotsLatencyMs), "--extra-links", String(extraLinks)]
        if let crawlDelay { arguments += ["--crawl-delay", crawlDelay] }
        if hostileRobots { arguments.append("--hostile-robots") }
        if hosts > 0 { arguments += ["--hosts", String(hosts)] }
        if let log { arguments += ["--log", log] }
        if let requireHeader { arguments += ["--require-header", requireHeader] }
        server = try ScriptServer("jobsite.py", arguments)
    }
}
