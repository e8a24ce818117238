/// Which engine an operator operation means: `pool.restart {"sig": "permanent"}`
/// or a signature (the 8-hex prefix answers show, or the whole one).
public enum EngineSelector: Sendable, Hashable {
    case permanent
    case prefix(String)

    /// `"permanent"` selects the permanent engine; anything else is a signature prefix.
    public init(_ text: String) {
        self = text == "permanent" ? .permanent : .prefix(text)
    }
}

/// A replacement engine to start outside the lock and install with `install`.
struct EnginePlan: Sendable {
    let signature: EngineSignature
    let kind: String
    let make: EngineFactory
    let tier: PoolTier
    /// Why, for the event (`unhealthy` when the janitor restarts the permanent engine).
    var detail: String?
}

extension PoolStateMachine {
    // MARK: - Janitor

    /// Closes idle cold and hot engines past their TTL (strictly past: an
    /// engine idle exactly its TTL stays) and retires idle engines past their
    /// max age. Never touches the permanent engine, a starting one, one being
    /// restarted, or one with a request in flight.
    mutating func sweep(now: Instant, settings: JanitorSettings, effects: inout PoolEffects) {
        for entry in live.values where entry.engine != nil && entry.inFlight == 0 && !entry.restarting && entry.tier != .permanent {
            let ttl = entry.tier == .hot ? settings.hotTTL : settings.coldTTL
            if entry.idle(now: now) > ttl {
                live[entry.signature] = nil
                effects.closing.append(entry.engine!)
                effects.events.append(entry.event(entry.tier == .hot ? .closeHot : .closeCold, now: now, ttl: ttl))
            } else if entry.isRetired(now: now) {
                retire(entry, now: now, effects: &effects)
            }
        }
    }

    // MARK: - Operator operations

    /// The one live, started engine `prefix` names.
    func find(_ prefix: String) throws(PoolError) -> Entry {
        let matches = live.values.filter { $0.engine != nil && $0.signature.matches(prefix: prefix) }
        guard let entry = matches.first else { throw PoolError.notFound(prefix) }
        guard matches.count == 1 else { throw PoolError.ambiguousSignature(prefix, count: matches.count) }
        return entry
    }

    /// Stops the engine `prefix` names from taking requests; it closes now if idle, else after its last request.
    mutating func kill(_ prefix: String, now: Instant, effects: inout PoolEffects) throws(PoolError) -> PoolEvent {
        let entry = try find(prefix)
        guard entry.tier != .permanent else { throw PoolError.notKillable(entry.signature) }
        retire(entry, now: now, event: .kill, effects: &effects)
        return effects.events[effects.events.count - 1]
    }

    /// What `restart` must start; marks the current engine so the janitor leaves it until the swap.
    mutating func planRestart(_ selector: EngineSelector) throws(PoolError) -> EnginePlan {
        if shuttingDown { throw PoolError.shuttingDown() }
        switch selector {
        case .permanent:
            guard let permanent else { throw PoolError.notFound("permanent") }
            live[permanent.signature]?.restarting = true
            return EnginePlan(signature: permanent.signature, kind: permanent.kind, make: permanent.make, tier: .permanent)
        case .prefix(let prefix):
            let entry = try find(prefix)
            entry.restarting = true
            return EnginePlan(signature: entry.signature, kind: entry.kind, make: entry.make, tier: entry.tier)
        }
    }

    /// Registers the permanent engine's configuration. Returns `nil` when a
    /// live engine already has this signature (it becomes permanent), else
    /// the plan to start. A previous permanent engine of another signature
    /// becomes hot and ages out like any other.
    mutating func planPermanent(_ signature: EngineSignature, kind: String, make: @escaping EngineFactory) -> EnginePlan? {
        if let previous = permanent, previous.signature != signature, let entry = live[previous.signature] {
            entry.tier = .hot
        }
        permanent = (signature, kind, make)
        if let entry = live[signature], entry.engine != nil {
            entry.tier = .permanent
            return nil
        }
        return EnginePlan(signature: signature, kind: kind, make: make, tier: .permanent)
    }

    /// Puts a started engine in place of whatever is live under its signature;
    /// the old engine retires (closing after its last request) and waiters on
    /// a starting one go round again and get the new engine.
    ///
    /// - Returns: `false` if the pool is shutting down (the caller closes `engine`).
    mutating func install(
        _ plan: EnginePlan, engine: any PooledEngine, retirement: RetirementSettings, now: Instant,
        event kind: PoolEvent.Kind, effects: inout PoolEffects
    ) -> Bool {
        guard !shuttingDown else { return false }
        if let old = live[plan.signature] {
            live[plan.signature] = nil
            for waiter in old.waiters.values { effects.resumes.append((waiter, .success(.retry))) }
            old.waiters = [:]
            if let oldEngine = old.engine {
                if old.inFlight == 0 { effects.closing.append(oldEngine) } else { retiring[old.id] = old }
            }
        }
        let entry = Entry(
            id: makeID(), signature: plan.signature, kind: plan.kind, make: plan.make,
            retirement: retirement, tier: plan.tier, now: now)
        entry.engine = engine
        live[plan.signature] = entry
        effects.events.append(entry.event(kind, now: now, detail: plan.detail))
        return true
    }

    /// Stops an engine that failed its health check from taking requests.
    mutating func dropUnhealthy(_ signature: EngineSignature, entryID id: UInt64, now: Instant, effects: inout PoolEffects) {
        guard let entry = live[signature], entry.id == id, !entry.restarting else { return }
        retire(entry, now: now, event: .kill, reason: "unhealthy", effects: &effects)
    }

    /// Lets the janitor see an engine again after a failed restart.
    mutating func abortRestart(_ signature: EngineSignature) {
        live[signature]?.restarting = false
    }

    /// Stops all admission: idle engines close now, busy ones after their last
    /// request, and requests waiting for a start fail with `shuttingDown`.
    mutating func shutdown(effects: inout PoolEffects) {
        shuttingDown = true
        for entry in live.values {
            for waiter in entry.waiters.values { effects.resumes.append((waiter, .failure(PoolError.shuttingDown()))) }
            entry.waiters = [:]
            guard let engine = entry.engine else { continue }
            if entry.inFlight == 0 { effects.closing.append(engine) } else { retiring[entry.id] = entry }
        }
        live = [:]
    }
}
