/// Something the pool did to an engine, for the Monitor's janitor log
/// (`monitor.logs kind=janitor`) and for `pool.cleanup` / `pool.kill` answers.
public struct PoolEvent: Sendable, Equatable {
    /// What happened. The raw value is the name the wire and the log show.
    public enum Kind: String, Sendable, Hashable {
        case create
        case promote
        case closeCold = "close_cold"
        case closeHot = "close_hot"
        case refuse
        case kill
        case restart
        case retire
    }

    public var kind: Kind
    public var signature: EngineSignature
    /// The engine kind (`"http"`, `"browser"`).
    public var engineKind: String
    /// The tier the engine was in when this happened (for `refuse`, the tier it would have entered).
    public var tier: PoolTier
    /// How long the engine had been idle (zero if it was in use or never existed).
    public var idle: Duration
    /// The TTL a janitor close was measured against; `nil` for other events.
    public var ttl: Duration?
    /// A short human explanation (a refusal's figures, a kill deferred until requests end).
    public var detail: String?

    public init(
        kind: Kind,
        signature: EngineSignature,
        engineKind: String,
        tier: PoolTier,
        idle: Duration = .zero,
        ttl: Duration? = nil,
        detail: String? = nil
    ) {
        self.kind = kind
        self.signature = signature
        self.engineKind = engineKind
        self.tier = tier
        self.idle = idle
        self.ttl = ttl
        self.detail = detail
    }
}
