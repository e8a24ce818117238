import Foundation

/// Tests/Servers/jobsite.py as a subprocess on a free loopback port.
public final class JobSiteServer: @unchecked Sendable {
    private let process = Process()
    /// The server's stdin: it exits when this closes, even if the test process is killed.
    private let input = Pipe()
    public let port: Int

    public var base: String { "http://127.0.0.1:\(port)" }

    /// The site on its `index`th address (0 is 127.0.0.2), when started with `hosts`.
    public func base(host index: Int) -> String { "http://127.0.0.\(2 + index):\(port)" }

    /// Starts the server and reads the port it printed.
    /// - Parameters:
    ///   - crawlDelay: a `Crawl-delay` value for robots.txt, written as given (`1e16`, `nan`, …).
    ///   - hostileRobots: append 498 KiB of long wildcard rules to robots.txt.
    ///   - robotsLatencyMs: how long robots.txt takes to answer.
    ///   - extraLinks: out-of-scope links added to every page (big records).
    public init(
        pages: Int, latencyMs: Int = 0, robotsStatus: Int = 200, crawlDelay: String? = nil, hostileRobots: Bool = false,
        robotsLatencyMs: Int = 0, extraLinks: Int = 0, hosts: Int = 0, log: String? = nil
    ) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Servers/jobsite.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments: [String] = ["python3", script, "--pages", String(pages), "--latency-ms", String(latencyMs)]
        arguments += ["--robots-status", String(robotsStatus), "--robots-latency-ms", String(robotsLatencyMs), "--extra-links", String(extraLinks)]
        if let crawlDelay { arguments += ["--crawl-delay", crawlDelay] }
        if hostileRobots { arguments.append("--hostile-robots") }
        if hosts > 0 { arguments += ["--hosts", String(hosts)] }
        if let log { arguments += ["--log", log] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix(while: { $0.isNumber })) else {
            kill(process.processIdentifier, SIGKILL)
            throw LineClientError(message: "jobsite.py did not start: \(text)")
        }
        self.port = port
    }

    /// SIGKILL, because the child inherits a signal mask in which SIGTERM may be blocked.
    deinit {
        try? input.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
