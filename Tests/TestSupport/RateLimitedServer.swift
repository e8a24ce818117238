import Foundation

/// Tests/Servers/ratelimited.py: a site of `pages` pages that answers 429
/// with `Retry-After` past `rate` requests per second, slows down under load,
/// and logs every page request it gets (its own measure of a crawler's rate).
public final class RateLimitedServer: Sendable {
    /// One request as the server logged it.
    public struct Hit: Sendable {
        /// Seconds since 1970.
        public var time: Double
        public var status: Int
        /// The request's `User-Agent`, spaces written as "_".
        public var agent: String
    }

    private let server: ScriptServer
    private let logPath: String
    public var port: Int { server.port }
    public var base: String { "http://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - block: a `User-Agent` answered with 403.
    ///   - outageAfter: the page request that starts an outage of `outageSeconds` (503 to every page); 0 for none.
    ///   - logDirectory: where the request log goes.
    public init(
        pages: Int, rate: Double, burst: Double = 10, latencyMs: Double = 5, loadMs: Double = 2, block: String = "", outageAfter: Int = 0, outageSeconds: Double = 0,
        logDirectory: TemporaryDirectory
    ) throws {
        logPath = logDirectory.url.appendingPathComponent("ratelimited-\(UUID().uuidString).log").path
        server = try ScriptServer(
            "ratelimited.py",
            [
                "--pages", String(pages), "--rate", String(rate), "--burst", String(burst), "--latency-ms", String(latencyMs),
                "--load-ms", String(loadMs), "--block", block, "--log", logPath, "--outage-after", String(outageAfter),
                "--outage-s", String(outageSeconds),
            ])
    }

    /// Every page request so far, in order.
    public func hits() -> [Hit] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, let time = Double(fields[0]), let status = Int(fields[1]) else { return nil }
            return Hit(time: time, status: status, agent: String(fields[2]))
        }
    }
}
