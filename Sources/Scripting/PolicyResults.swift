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

/// What `politeness(host)` asks for one host.
public struct Politeness: Sendable, Equatable {
    /// The least time between two requests to the host.
    public var delay: Duration
    /// Requests to the host in flight at once.
    public var maxConcurrency: Int

    public init(delay: Duration, maxConcurrency: Int) {
        self.delay = delay
        self.maxConcurrency = maxConcurrency
    }
}
