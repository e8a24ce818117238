/// Settings of the pool that do not come from policies.lua.
public struct EnginePoolConfiguration: Sendable {
    /// How long a request waits for an engine to start before it fails with
    /// `PoolError.timedOut`. Covers a browser's cold start with room to spare.
    public var acquireTimeout: Duration
    /// The shortest janitor interval, whatever the policy says, so a bad
    /// policy cannot spin the janitor.
    public var minimumJanitorInterval: Duration

    public init(acquireTimeout: Duration = .seconds(30), minimumJanitorInterval: Duration = .milliseconds(100)) {
        self.acquireTimeout = acquireTimeout
        self.minimumJanitorInterval = minimumJanitorInterval
    }
}
