/// What the pool must do once its lock is released: resume waiters, report
/// events, close engines. The state machine only records these, so no engine
/// starts or closes and no continuation resumes while the lock is held.
struct PoolEffects: Sendable {
    var events: [PoolEvent] = []
    var closing: [any PooledEngine] = []
    var resumes: [(Waiter, Result<WaitOutcome, any Error>)] = []
}

/// The result of looking a signature up for a request.
enum PoolLookup: Sendable {
    case granted(EngineGrant)
    /// An engine for this signature is starting: wait for it.
    case starting
    /// No engine: admit and create one.
    case absent
    /// The engine is cold: ask the policy for `promote_after` and look again.
    case needsPromoteAfter
    case shuttingDown
}

/// The pool's tiers and counters, with no I/O, no clock and no lock, so that
/// every transition is a plain synchronous function the tests can pin.
///
/// Invariants: `live` holds at most one entry per signature (the one new
/// requests get); an entry leaves `live` only under the lock, and an engine
/// is closed only once it has left `live` with no request in flight, so a
/// closed engine is never under a request.
struct PoolStateMachine<Instant: InstantProtocol> where Instant.Duration == Duration {
    typealias Entry = PoolEntry<Instant>

    var live: [EngineSignature: Entry] = [:]
    /// Engines that take no new requests and close when their last one ends.
    var retiring: [UInt64: Entry] = [:]
    var permanent: (signature: EngineSignature, kind: String, make: EngineFactory)?
    /// Expirations (deadline, cancellation) that came before their waiter registered.
    var expired: [UInt64: any Error] = [:]
    var shuttingDown = false
    private var nextID: UInt64 = 1

    mutating func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    // MARK: - Requests

    /// Counts one use of the live engine for `signature`, if there is one that may serve.
    mutating func acquire(_ signature: EngineSignature, now: Instant, promoteAfter: Int?, effects: inout PoolEffects) -> PoolLookup {
        if shuttingDown { return .shuttingDown }
        guard let entry = live[signature] else { return .absent }
        guard let engine = entry.engine else { return .starting }
        if entry.isRetired(now: now) {
            retire(entry, now: now, effects: &effects)
            return .absent
        }
        let tier = entry.tier
        if tier == .cold, promoteAfter == nil { return .needsPromoteAfter }
        entry.uses += 1
        entry.inFlight += 1
        entry.lastUsed = now
        if tier == .cold, let promoteAfter, entry.uses >= promoteAfter {
            entry.tier = .hot
            effects.events.append(entry.event(.promote, now: now, detail: "\(entry.uses) uses"))
        }
        return .granted(EngineGrant(engine: engine, entryID: entry.id, tier: tier, hit: true))
    }

    /// Ends one request on entry `id`; closes a retiring engine after its last request.
    mutating func release(_ signature: EngineSignature, entryID id: UInt64, now: Instant, effects: inout PoolEffects) {
        if let entry = live[signature], entry.id == id {
            entry.inFlight -= 1
            entry.lastUsed = now
            if entry.isRetired(now: now) { retire(entry, now: now, effects: &effects) }
        } else if let entry = retiring[id] {
            entry.inFlight -= 1
            entry.lastUsed = now
            if entry.inFlight == 0, let engine = entry.engine {
                retiring[id] = nil
                effects.closing.append(engine)
            }
        }
    }

    /// Takes `entry` out of `live`: it closes now if idle, else after its last request.
    mutating func retire(
        _ entry: Entry, now: Instant, event kind: PoolEvent.Kind = .retire, reason: String? = nil, effects: inout PoolEffects
    ) {
        if live[entry.signature] === entry { live[entry.signature] = nil }
        let pending = entry.inFlight > 0 ? "closes when its \(entry.inFlight) requests in flight end" : nil
        let detail = [reason ?? "\(entry.uses) uses", pending].compactMap { $0 }.joined(separator: "; ")
        effects.events.append(entry.event(kind, now: now, detail: detail))
        guard let engine = entry.engine else { return }
        if entry.inFlight == 0 {
            effects.closing.append(engine)
        } else {
            retiring[entry.id] = entry
        }
    }

    // MARK: - Creation (single flight)

    /// Registers a waiter for `signature`: resumes it at once if an engine is
    /// ready, queues it behind a starting one, or (when `creation` is given,
    /// i.e. admission passed) inserts a starting entry the caller must start.
    ///
    /// - Returns: the new entry if the caller must start its engine.
    mutating func enqueue(
        _ signature: EngineSignature, waiterID: UInt64, waiter: Waiter, now: Instant,
        creation: (kind: String, make: EngineFactory, retirement: RetirementSettings)?,
        effects: inout PoolEffects
    ) -> Entry? {
        if let error = expired.removeValue(forKey: waiterID) {
            effects.resumes.append((waiter, .failure(error)))
            return nil
        }
        if shuttingDown {
            effects.resumes.append((waiter, .failure(PoolError.shuttingDown())))
            return nil
        }
        if let entry = live[signature] {
            if entry.engine == nil {
                entry.waiters[waiterID] = waiter
            } else {
                effects.resumes.append((waiter, .success(.retry)))
            }
            return nil
        }
        guard let creation else {
            effects.resumes.append((waiter, .success(.retry)))
            return nil
        }
        let tier: PoolTier = permanent?.signature == signature ? .permanent : .cold
        let entry = Entry(
            id: makeID(), signature: signature, kind: creation.kind, make: creation.make,
            retirement: creation.retirement, tier: tier, now: now)
        entry.waiters[waiterID] = waiter
        live[signature] = entry
        return entry
    }

    /// Fails a waiter that passed its deadline or was cancelled.
    mutating func expire(_ signature: EngineSignature, waiterID: UInt64, error: any Error, effects: inout PoolEffects) {
        if let entry = live[signature], let waiter = entry.waiters.removeValue(forKey: waiterID) {
            effects.resumes.append((waiter, .failure(error)))
        } else {
            expired[waiterID] = error
        }
    }

    /// Forgets an expiration whose waiter has already finished.
    mutating func forgetExpiration(_ waiterID: UInt64) {
        expired[waiterID] = nil
    }

    /// Completes the start of entry `id`: hands the engine to every waiter
    /// (one use each) or, if the start failed, fails them all and drops the
    /// entry. An entry replaced meanwhile (restart, shutdown) has no waiters
    /// left; its engine is closed.
    mutating func finishStart(
        _ signature: EngineSignature, entryID id: UInt64, result: Result<any PooledEngine, PoolError>, now: Instant, promoteAfter: Int,
        effects: inout PoolEffects
    ) {
        guard let entry = live[signature], entry.id == id else {
            if case .success(let engine) = result { effects.closing.append(engine) }
            return
        }
        let waiters = entry.waiters.values
        entry.waiters = [:]
        switch result {
        case .failure(let error):
            live[signature] = nil
            for waiter in waiters { effects.resumes.append((waiter, .failure(error))) }
        case .success(let engine):
            entry.engine = engine
            entry.createdAt = now
            entry.lastUsed = now
            entry.uses = waiters.count
            entry.inFlight = waiters.count
            effects.events.append(entry.event(.create, now: now))
            let grant = EngineGrant(engine: engine, entryID: entry.id, tier: entry.tier, hit: false)
            for waiter in waiters { effects.resumes.append((waiter, .success(.granted(grant)))) }
            if entry.tier == .cold, entry.uses >= promoteAfter {
                entry.tier = .hot
                effects.events.append(entry.event(.promote, now: now, detail: "\(entry.uses) uses"))
            }
        }
    }
}
