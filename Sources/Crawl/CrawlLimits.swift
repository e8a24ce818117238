import Engines
import JSON

/// What the operator allows a crawl, whatever its client asks: the largest
/// body (`--max-body-bytes`) and the memory budget all crawls share
/// (`--request-memory`).
public struct CrawlLimits: Sendable {
    /// The ceiling on `max_body_bytes`. A request whose own config asks for
    /// more is refused (`bad_request`, naming the ceiling) rather than
    /// quietly lowered, so its client learns the limit before a fetch fails
    /// half-way; a config from policies.lua (or the engine's default) above
    /// it is lowered to it, since the operator set both.
    public var maxBodyBytes: Int
    public var memory: RequestMemoryBudget

    /// The most memory one request may reserve: five times the largest body
    /// it may fetch. Beyond the body, what a page costs is mostly its parsed
    /// tree, which for dense markup is ten times the body or more; such a
    /// page near the body ceiling is refused instead of parsed.
    public var requestMemory: Int { maxBodyBytes.multipliedReportingOverflow(by: 5).overflow ? .max : maxBodyBytes * 5 }

    /// No ceiling below the engine's own range, and a budget nothing fills
    /// (for embedding the crawler in tests and tools).
    public init(maxBodyBytes: Int = 1 << 30, memory: RequestMemoryBudget = RequestMemoryBudget(capacity: Int.max)) {
        self.maxBodyBytes = maxBodyBytes
        self.memory = memory
    }

    /// Checks a client's engine config (a `crawl`'s or a job's) against the ceiling.
    /// - Throws: `CrawlError(.badRequest)` when it asks for a larger body than the ceiling.
    public func check(config: JSONObject?) throws(CrawlError) {
        guard let asked = config?["max_body_bytes"]?.intValue, asked > maxBodyBytes else { return }
        throw CrawlError(
            .badRequest, "config.max_body_bytes \(asked) is above this crawld's ceiling of \(maxBodyBytes) bytes (--max-body-bytes); ask for less"
        )
    }

    /// `config` for an engine of `kind` with `max_body_bytes` at most the ceiling.
    func clamped(_ config: JSONObject, kind: String) -> JSONObject {
        guard kind == HTTPEngineConfiguration.kind else { return config }
        let current = config["max_body_bytes"]?.intValue ?? Int64(HTTPEngineConfiguration().maxBodyBytes)
        guard current > maxBodyBytes else { return config }
        var lowered = config
        lowered["max_body_bytes"] = .int(Int64(maxBodyBytes))
        return lowered
    }
}
