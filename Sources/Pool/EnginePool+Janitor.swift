/// What one janitor round saw and did; `pool.cleanup` answers with it.
public struct JanitorReport: Sendable {
    /// Memory use the round was asked about (`nil` if no source could be read).
    public var memoryPercent: Double?
    /// The settings the policy gave for that memory use.
    public var settings: JanitorSettings
    /// The engines closed (`close_cold`, `close_hot`), retired (`retire`), dropped as
    /// unhealthy (`kill`) or restarted (`restart`, the permanent one), in no particular order.
    public var events: [PoolEvent]
}

extension EnginePool {
    /// The janitor loop: a round, then `afterEachRound`, then a sleep for the
    /// interval the policy gave (at least `minimumJanitorInterval`), until the
    /// task is cancelled.
    ///
    /// Shaped like ServiceLifecycle's `Service.run()` so the daemon can run it
    /// in its `ServiceGroup` (with `cancelOnGracefulShutdown`) without this
    /// module importing ServiceLifecycle. Returns normally on cancellation.
    /// - Parameter afterEachRound: housekeeping of the process that belongs on
    ///   the janitor's beat (the daemon gives freed heap back to the kernel).
    public func run(afterEachRound: @Sendable () async -> Void = {}) async throws {
        while !Task.isCancelled {
            let report = await runJanitor()
            await afterEachRound()
            let interval = max(report.settings.interval, configuration.minimumJanitorInterval)
            do {
                try await clock.sleep(until: clock.now.advanced(by: interval), tolerance: nil)
            } catch {
                return
            }
        }
    }

    /// One janitor round now, with the TTLs the policy gives for the current
    /// memory use, then a health check of every engine left.
    @discardableResult
    public func runJanitor() async -> JanitorReport {
        let percent = probe.read()?.percent
        let settings = await policy.janitor(memoryPercent: percent ?? 0)
        var report = await sweep(memoryPercent: percent, settings: settings)
        report.events += await checkHealth()
        return report
    }

    /// `pool.cleanup`: one janitor round now with the shortest TTLs the policy
    /// has, those it gives at 100% memory use, whatever memory use really is.
    @discardableResult
    public func cleanup() async -> JanitorReport {
        let percent = probe.read()?.percent
        let settings = await policy.janitor(memoryPercent: 100)
        return await sweep(memoryPercent: percent, settings: settings)
    }

    private func sweep(memoryPercent: Double?, settings: JanitorSettings) async -> JanitorReport {
        var effects = PoolEffects()
        withState { state, now in state.sweep(now: now, settings: settings, effects: &effects) }
        let events = effects.events
        await performAndClose(effects)
        return JanitorReport(memoryPercent: memoryPercent, settings: settings, events: events)
    }
}
