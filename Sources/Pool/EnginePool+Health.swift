import Logging

extension EnginePool {
    /// Asks every started engine `isHealthy()` (outside the lock). An
    /// unhealthy engine takes no new requests and closes after its last one
    /// (a `kill` event, detail `unhealthy`); an unhealthy permanent engine is
    /// restarted (a `restart` event), since requests without a config need it.
    ///
    /// - Returns: the events of what it did.
    @discardableResult
    public func checkHealth() async -> [PoolEvent] {
        let engines = withState { state, _ in
            state.live.values.compactMap { entry in
                entry.engine.map { (entry.signature, entry.id, entry.tier, $0) }
            }
        }
        var events: [PoolEvent] = []
        for (signature, id, tier, engine) in engines where await !engine.isHealthy() {
            if tier == .permanent {
                do {
                    events.append(try await restart(.permanent, detail: "unhealthy"))
                } catch {
                    logger.info(
                        "permanent engine unhealthy, restart failed",
                        metadata: [
                            "crawld.engine.signature": "\(signature.short)", "crawld.error": "\(error)",
                        ])
                }
                continue
            }
            var effects = PoolEffects()
            withState { state, now in state.dropUnhealthy(signature, entryID: id, now: now, effects: &effects) }
            events += effects.events
            await performAndClose(effects)
        }
        return events
    }
}
