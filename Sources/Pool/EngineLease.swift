/// Ends a lease; `EnginePool` implements it so the lease need not carry the pool's clock type.
protocol LeaseReleasing: Sendable {
    func endLease(_ signature: EngineSignature, entryID: UInt64)
}

/// One request's use of a pooled engine.
///
/// Non-copyable, so a lease is released exactly once by construction: call
/// `release()` (which consumes it; using the lease afterwards does not
/// compile), or let it go out of scope, which releases it then. The pool
/// never closes the engine while a lease on it is alive.
public struct EngineLease<Engine: PooledEngine>: ~Copyable, Sendable {
    public let engine: Engine
    public let signature: EngineSignature
    /// The tier the engine was in when this request got it.
    public let tier: PoolTier
    /// `true` if an existing engine served the request; `false` if it waited for a new one.
    public let hit: Bool

    private let entryID: UInt64
    private let pool: any LeaseReleasing

    init(engine: Engine, grant: EngineGrant, signature: EngineSignature, pool: any LeaseReleasing) {
        self.engine = engine
        self.signature = signature
        self.tier = grant.tier
        self.hit = grant.hit
        self.entryID = grant.entryID
        self.pool = pool
    }

    /// Gives the engine back to the pool now rather than at the end of the scope.
    public consuming func release() {}

    deinit {
        pool.endLease(signature, entryID: entryID)
    }
}
