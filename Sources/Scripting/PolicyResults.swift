import JSON

/// What `engine_for(url, request)` chose: the engine kind and its config.
public struct EngineChoice: Sendable, Equatable {
    /// `"http"` or `"browser"`.
    public var engine: String
    /// The engine config object (its canonical signature keys the pool).
    public var config: JSONObject

    public init(engine: String, config: JSONObject) {
        self.engine = engine
        self.config = config
    }

    /// An engine with an empty config.
    public init(engine: String) {
        self.engine = engine
        self.config = JSONObject()
    }
}

/// What `politeness(host, stats)` asks for one host. The one type for it:
/// Jobs' `HostThrottle` and `HostGate` hold requests to this answer as it
/// comes from policies.lua, with no copy of their own.
public struct Politeness: Sendable, Equatable {
    /// The least time between the starts of two requests to the host.
    public var delay: Duration
    /// Requests to the host in flight at once (at least 1).
    public var maxConcurrency: Int

    /// Clamps to a delay ≥ 0 and at least one request: a policy's answer is
    /// checked at load (`PolicyShape`), the clamp keeps any other maker in range.
    public init(delay: Duration, maxConcurrency: Int) {
        self.delay = max(.zero, delay)
        self.maxConcurrency = max(1, maxConcurrency)
    }
}
