import Logging
import Synchronization

/// The tiered pool of crawler engines: one permanent engine, hot and cold
/// engines keyed by `EngineSignature`, memory-aware admission, single-flight
/// creation, retirement, and the janitor (`run()`).
///
/// Engines are stored as `any PooledEngine`, so HTTP and browser engines share
/// one pool; `acquire` is generic and casts back to the caller's engine type
/// (the signature covers the engine kind, so a signature always maps to one type).
///
/// All state sits in one `Mutex` held only for dictionary work: engines start
/// and close, waiters resume and events go out after it is released, so a slow
/// browser start never stalls a hit on another signature. A hit on a ready hot
/// engine takes the lock once and never suspends.
///
/// Generic over the clock so tests drive idle times, TTLs and deadlines exactly.
public final class EnginePool<C: Clock>: Sendable where C.Duration == Duration {
    let state = Mutex(PoolStateMachine<C.Instant>())
    let policy: any PoolPolicy
    let clock: C
    let probe: MemoryProbe
    let configuration: EnginePoolConfiguration
    let logger: Logger
    let onEvent: @Sendable (PoolEvent) -> Void

    /// - Parameters:
    ///   - policy: thresholds (promotion, memory limit, janitor TTLs, retirement); asked every time, so a reload applies at once.
    ///   - clock: the clock for idle times, ages, deadlines and the janitor's sleep.
    ///   - probe: where memory use is read from.
    ///   - logger: for starts, failures and closes (at `info` and below).
    ///   - onEvent: receives every `PoolEvent`; called outside the pool's lock, keep it quick (the Monitor enqueues).
    public init(
        policy: any PoolPolicy,
        clock: C,
        probe: MemoryProbe = MemoryProbe(),
        configuration: EnginePoolConfiguration = EnginePoolConfiguration(),
        logger: Logger,
        onEvent: @escaping @Sendable (PoolEvent) -> Void = { _ in }
    ) {
        self.policy = policy
        self.clock = clock
        self.probe = probe
        self.configuration = configuration
        self.logger = logger
        self.onEvent = onEvent
    }

    // MARK: - Requests

    /// Gets an engine for `signature`: the live one if there is one (permanent,
    /// hot or cold), else joins a start already under way, else creates one if
    /// memory allows.
    ///
    /// - Parameters:
    ///   - signature: the canonical configuration's signature.
    ///   - kind: the engine kind (`"http"`, `"browser"`), for the retirement policy and events.
    ///   - make: builds an engine (not yet started); called at most once per creation, outside the lock.
    /// - Returns: a lease; the engine stays in use until the lease is released.
    /// - Throws: `PoolError` (`memoryPressure`, `engineFailed`, `timedOut`, `shuttingDown`, `engineTypeMismatch`),
    ///   or `CancellationError` if the task is cancelled while waiting.
    public func acquire<Engine: PooledEngine>(
        signature: EngineSignature,
        kind: String,
        make: @escaping @Sendable () throws -> Engine
    ) async throws -> EngineLease<Engine> {
        let grant = try await acquireGrant(signature, kind: kind, make: make)
        guard let engine = grant.engine as? Engine else {
            endLease(signature, entryID: grant.entryID)
            throw PoolError.engineTypeMismatch(signature, expected: String(describing: Engine.self))
        }
        return EngineLease(engine: engine, grant: grant, signature: signature, pool: self)
    }

    /// Runs `body` with an engine for `signature` and releases it afterwards,
    /// whether `body` returns or throws.
    public func withEngine<Engine: PooledEngine, Result>(
        signature: EngineSignature,
        kind: String,
        make: @escaping @Sendable () throws -> Engine,
        _ body: (borrowing EngineLease<Engine>) async throws -> Result
    ) async throws -> Result {
        let lease = try await acquire(signature: signature, kind: kind, make: make)
        let result = try await body(lease)
        lease.release()
        return result
    }

    // MARK: - Carrying out effects

    /// Resumes waiters, reports events, and closes engines in a task of their
    /// own: the caller (often a lease ending in a request's path) must not
    /// wait for a browser to exit.
    func perform(_ effects: PoolEffects) {
        deliver(effects)
        guard !effects.closing.isEmpty else { return }
        let engines = effects.closing
        Task { await Self.close(engines) }
    }

    /// Like `perform`, but waits for the closes (operator operations answer after them).
    func performAndClose(_ effects: PoolEffects) async {
        deliver(effects)
        await Self.close(effects.closing)
    }

    private func deliver(_ effects: PoolEffects) {
        for (waiter, result) in effects.resumes { waiter.resume(with: result) }
        for event in effects.events {
            logger.debug(
                "pool event",
                metadata: [
                    "crawld.pool.event": "\(event.kind.rawValue)", "crawld.engine.signature": "\(event.signature.short)",
                ])
            onEvent(event)
        }
    }

    private static func close(_ engines: [any PooledEngine]) async {
        for engine in engines { await engine.close() }
    }

    /// Runs `body` under the lock with the current time (read before locking).
    func withState<R: Sendable, E: Error>(_ body: (inout PoolStateMachine<C.Instant>, C.Instant) throws(E) -> R) throws(E) -> R {
        let now = clock.now
        return try state.withLock { (state) throws(E) -> R in try body(&state, now) }
    }
}

extension EnginePool where C == ContinuousClock {
    /// A pool on the real clock.
    public convenience init(
        policy: any PoolPolicy,
        probe: MemoryProbe = MemoryProbe(),
        configuration: EnginePoolConfiguration = EnginePoolConfiguration(),
        logger: Logger,
        onEvent: @escaping @Sendable (PoolEvent) -> Void = { _ in }
    ) {
        self.init(policy: policy, clock: ContinuousClock(), probe: probe, configuration: configuration, logger: logger, onEvent: onEvent)
    }
}

extension EnginePool: LeaseReleasing {
    func endLease(_ signature: EngineSignature, entryID: UInt64) {
        var effects = PoolEffects()
        let now = clock.now
        state.withLock { $0.release(signature, entryID: entryID, now: now, effects: &effects) }
        perform(effects)
    }
}
