/// Makes an engine for a signature; stored so `restart` and retirement can
/// make a replacement without the caller.
typealias EngineFactory = @Sendable () throws -> any PooledEngine

/// What a waiter gets when its engine is ready: the engine, counted as one
/// use and one request in flight.
struct EngineGrant: Sendable {
    let engine: any PooledEngine
    let entryID: UInt64
    /// The tier the engine was in when this request picked it (a use that
    /// promotes still reports `cold`).
    let tier: PoolTier
    /// `true` if the engine existed before this request came.
    let hit: Bool
}

/// How a wait for an engine ended (errors are thrown instead).
enum WaitOutcome: Sendable {
    case granted(EngineGrant)
    /// The state changed under the waiter (a start failed, the engine became
    /// ready as a cold one): go round the acquire loop again.
    case retry
}

typealias Waiter = CheckedContinuation<WaitOutcome, any Error>

/// One engine in the pool, starting, live or retiring.
///
/// A class so that the state machine mutates entries in place. Not Sendable:
/// entries exist only inside `EnginePool`'s mutex and never leave it; what
/// leaves is an `EngineGrant` or a `PoolSnapshot.Row`.
final class PoolEntry<Instant: InstantProtocol> where Instant.Duration == Duration {
    let id: UInt64
    let signature: EngineSignature
    let kind: String
    let make: EngineFactory
    let retirement: RetirementSettings
    var tier: PoolTier
    /// `nil` while the engine starts.
    var engine: (any PooledEngine)?
    /// Requests waiting for a starting engine, by waiter id.
    var waiters: [UInt64: Waiter] = [:]
    var createdAt: Instant
    var lastUsed: Instant
    var uses = 0
    var inFlight = 0
    /// Set while `restart` starts a replacement, so the janitor leaves it be.
    var restarting = false

    init(
        id: UInt64, signature: EngineSignature, kind: String, make: @escaping EngineFactory,
        retirement: RetirementSettings, tier: PoolTier, now: Instant
    ) {
        self.id = id
        self.signature = signature
        self.kind = kind
        self.make = make
        self.retirement = retirement
        self.tier = tier
        self.createdAt = now
        self.lastUsed = now
    }

    /// Whether the engine has served its share and must take no new requests.
    func isRetired(now: Instant) -> Bool {
        if let limit = retirement.afterUses, uses >= limit { return true }
        if let maxAge = retirement.maxAge, createdAt.duration(to: now) >= maxAge { return true }
        return false
    }

    /// Time since the last request ended (zero while one is in flight).
    func idle(now: Instant) -> Duration {
        inFlight > 0 ? .zero : lastUsed.duration(to: now)
    }

    func event(_ kind: PoolEvent.Kind, now: Instant, ttl: Duration? = nil, detail: String? = nil) -> PoolEvent {
        PoolEvent(kind: kind, signature: signature, engineKind: self.kind, tier: tier, idle: idle(now: now), ttl: ttl, detail: detail)
    }
}
