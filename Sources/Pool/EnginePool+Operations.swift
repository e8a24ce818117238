extension EnginePool {
    // MARK: - Permanent engine

    /// Starts the engine for the default configuration as the permanent one:
    /// never closed by the janitor, never killed, replaced by `restart(.permanent)`
    /// or when it retires. Skips admission: the default must always run.
    ///
    /// Call it again after a reload changed the default configuration: the old
    /// permanent engine becomes hot and ages out like any other.
    ///
    /// - Parameter signature: computed by exactly the path a request's config
    ///   takes, so that a request without a config hits this engine.
    /// - Throws: `PoolError.engineFailed` if the engine does not start.
    public func startPermanent<Engine: PooledEngine>(
        signature: EngineSignature,
        kind: String,
        make: @escaping @Sendable () throws -> Engine
    ) async throws {
        let factory: EngineFactory = { try make() }
        guard let plan = withState({ state, _ in state.planPermanent(signature, kind: kind, make: factory) }) else { return }
        try await startAndInstall(plan, event: .create)
    }

    // MARK: - Operator operations

    /// `pool.kill`: the engine stops taking requests and closes, now if idle,
    /// else when its last request ends (the event's `detail` says so).
    ///
    /// - Parameter prefix: the 8-hex prefix answers show, or the whole signature.
    /// - Throws: `PoolError` `notFound`, `ambiguousSignature`, or `notKillable` for the permanent engine.
    @discardableResult
    public func kill(_ prefix: String) async throws -> PoolEvent {
        var effects = PoolEffects()
        let event = try withState { (state, now) throws(PoolError) in try state.kill(prefix, now: now, effects: &effects) }
        await performAndClose(effects)
        return event
    }

    /// `pool.restart`: starts a fresh engine for the same configuration and
    /// swaps it in; the old one takes no new requests and closes after its
    /// last one. If the new engine fails to start, the old one stays.
    ///
    /// - Throws: `PoolError` `notFound`, `ambiguousSignature`, `engineFailed`, `shuttingDown`.
    @discardableResult
    public func restart(_ selector: EngineSelector) async throws -> PoolEvent {
        try await restart(selector, detail: nil)
    }

    func restart(_ selector: EngineSelector, detail: String?) async throws -> PoolEvent {
        var plan = try withState { (state, _) throws(PoolError) in try state.planRestart(selector) }
        plan.detail = detail
        return try await startAndInstall(plan, event: .restart)
    }

    /// Closes every engine and refuses new requests: idle engines close now,
    /// busy ones when their last request ends. Call after draining requests.
    public func shutdown() async {
        var effects = PoolEffects()
        withState { state, _ in state.shutdown(effects: &effects) }
        await performAndClose(effects)
    }

    @discardableResult
    private func startAndInstall(_ plan: EnginePlan, event kind: PoolEvent.Kind) async throws -> PoolEvent {
        let retirement = await policy.retirement(kind: plan.kind)
        let engine: any PooledEngine
        switch await startEngine(plan.signature, make: plan.make) {
        case .failure(let error):
            withState { state, _ in state.abortRestart(plan.signature) }
            throw error
        case .success(let started):
            engine = started
        }
        var effects = PoolEffects()
        let installed = withState { state, now in
            state.install(plan, engine: engine, retirement: retirement, now: now, event: kind, effects: &effects)
        }
        guard installed, let event = effects.events.last else {
            await engine.close()
            throw PoolError.shuttingDown()
        }
        await performAndClose(effects)
        return event
    }
}
