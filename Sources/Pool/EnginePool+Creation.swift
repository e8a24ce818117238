import Logging

extension EnginePool {
    /// What a creation needs once admission has passed.
    private typealias Creation = (kind: String, make: EngineFactory, retirement: RetirementSettings)

    /// The acquire loop: look up, and when that is not enough ask the policy,
    /// pass admission, or wait for a start, then look again. A hit on a ready
    /// engine returns from the first lookup without suspending or allocating.
    /// The deadline runs from the first wait.
    func acquireGrant<Engine: PooledEngine>(
        _ signature: EngineSignature, kind: String, make: @escaping @Sendable () throws -> Engine
    ) async throws -> EngineGrant {
        var promoteAfter: Int?
        var creation: Creation?
        var deadline: C.Instant?
        while true {
            var effects = PoolEffects()
            let lookup = withState { [promoteAfter] state, now in
                state.acquire(signature, now: now, promoteAfter: promoteAfter, effects: &effects)
            }
            perform(effects)
            switch lookup {
            case .granted(let grant):
                return grant
            case .shuttingDown:
                throw PoolError.shuttingDown()
            case .needsPromoteAfter:
                promoteAfter = await policy.promoteAfter()
            case .absent where creation == nil:
                let retirement = try await admit(signature, kind: kind)
                creation = (kind, { try make() }, retirement)
            case .absent, .starting:
                let waitDeadline = deadline ?? clock.now.advanced(by: configuration.acquireTimeout)
                deadline = waitDeadline
                if case .granted(let grant) = try await wait(for: signature, creation: creation, deadline: waitDeadline) {
                    return grant
                }
            }
        }
    }

    /// Admission: refuses a new engine at or above the policy's memory limit.
    /// The permanent signature is always admitted (the default configuration
    /// must keep working under pressure: it replaces a retired engine).
    ///
    /// - Returns: the retirement settings for the new engine.
    private func admit(_ signature: EngineSignature, kind: String) async throws -> RetirementSettings {
        let isPermanent = state.withLock { $0.permanent?.signature == signature }
        if !isPermanent, let reading = probe.read() {
            let limit = await policy.memoryLimitPercent()
            if reading.percent >= limit {
                let error = PoolError.memoryPressure(percent: reading.percent, limit: limit)
                onEvent(PoolEvent(kind: .refuse, signature: signature, engineKind: kind, tier: .cold, detail: error.message))
                logger.info("engine refused", metadata: ["crawld.engine.signature": "\(signature.short)", "crawld.pool.memory_percent": "\(reading.percent)"])
                throw error
            }
        }
        return await policy.retirement(kind: kind)
    }

    /// Waits for the engine of `signature`: registers as a waiter on a start
    /// under way, or (with `creation`) inserts the starting entry and starts
    /// the engine. Gives up at `deadline` with `PoolError.timedOut`.
    private func wait(for signature: EngineSignature, creation: Creation?, deadline: C.Instant) async throws -> WaitOutcome {
        let waiterID = state.withLock { $0.makeID() }
        defer { state.withLock { $0.forgetExpiration(waiterID) } }
        let timeout = configuration.acquireTimeout
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.clock.sleep(until: deadline, tolerance: nil)
                self.expire(signature, waiterID: waiterID, error: PoolError.timedOut(signature, after: timeout))
            }
            defer { group.cancelAll() }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (waiter: Waiter) in
                    var effects = PoolEffects()
                    let now = clock.now
                    let entry = state.withLock {
                        $0.enqueue(signature, waiterID: waiterID, waiter: waiter, now: now, creation: creation, effects: &effects)
                    }
                    perform(effects)
                    if let entry { start(entry) }
                }
            } onCancel: {
                self.expire(signature, waiterID: waiterID, error: CancellationError())
            }
        }
    }

    private func expire(_ signature: EngineSignature, waiterID: UInt64, error: any Error) {
        var effects = PoolEffects()
        state.withLock { $0.expire(signature, waiterID: waiterID, error: error, effects: &effects) }
        perform(effects)
    }

    /// Starts the engine of a new entry in a task of its own, so the start
    /// outlives any one waiter's deadline or cancellation: a late start still
    /// serves later requests, and the waiters that remain get it at once.
    private func start(_ entry: PoolEntry<C.Instant>) {
        let signature = entry.signature
        let make = entry.make
        let id = entry.id
        Task {
            let result = await self.startEngine(signature, make: make)
            let promoteAfter = await self.policy.promoteAfter()
            var effects = PoolEffects()
            let now = self.clock.now
            self.state.withLock { $0.finishStart(signature, entryID: id, result: result, now: now, promoteAfter: promoteAfter, effects: &effects) }
            self.perform(effects)
        }
    }

    /// Makes and starts an engine outside the lock; a failure becomes `PoolError.engineFailed`.
    func startEngine(_ signature: EngineSignature, make: EngineFactory) async -> Result<any PooledEngine, PoolError> {
        do {
            let engine = try make()
            do {
                try await engine.start()
            } catch {
                await engine.close()
                throw error
            }
            logger.info("engine started", metadata: ["crawld.engine.signature": "\(signature.short)", "crawld.engine.kind": "\(engine.kind)"])
            return .success(engine)
        } catch {
            logger.info("engine failed to start", metadata: ["crawld.engine.signature": "\(signature.short)", "crawld.error": "\(error)"])
            return .failure(PoolError.engineFailed(signature, reason: "\(error)"))
        }
    }
}
