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
    ///   - log: a file each answered request appends `<start> <end> <host> <path>` to.
    ///   - arrivals: a file each request appends its path to the moment it is read.
    ///   - holdAfter: page requests past this many wait until `release()`.
    ///   - requireHeader: `Name: value`, a header every request but robots.txt's must carry (else 403).
    public init(
        pages: Int, latencyMs: Int = 0, robotsStatus: Int = 200, crawlDelay: String? = nil, hostileRobots: Bool = false,
        robotsLatencyMs: Int = 0, extraLinks: Int = 0, hosts: Int = 0, log: String? = nil, arrivals: String? = nil,
        holdAfter: Int? = nil, requireHeader: String? = nil
    ) throws {
        var arguments: [String] = ["--pages", String(pages), "--latency-ms", String(latencyMs)]
        arguments += ["--robots-status", String(robotsStatus), "--robots-latency-ms", String(robotsLatencyMs), "--extra-links", String(extraLinks)]
        if let crawlDelay { arguments += ["--crawl-delay", crawlDelay] }
        if hostileRobots { arguments.append("--hostile-robots") }
        if hosts > 0 { arguments += ["--hosts", String(hosts)] }
        if let log { arguments += ["--log", log] }
        if let arrivals { arguments += ["--arrivals", arrivals] }
        if let holdAfter { arguments += ["--hold-after", String(holdAfter)] }
        if let requireHeader { arguments += ["--require-header", requireHeader] }
        server = try ScriptServer("jobsite.py", arguments)
    }

    /// Lets the page requests held by `holdAfter` (and every later one) be answered.
    public func release() async throws {
        let client = try await LineClient.connect(port: port)
        try await client.send(raw: Array("GET /release HTTP/1.0\r\n\r\n".utf8))
        let status = try await client.readLine()
        await client.close()
        guard status?.contains(" 200 ") == true else { throw LineClientError(message: "GET /release answered \(status ?? "nothing")") }
    }
}
