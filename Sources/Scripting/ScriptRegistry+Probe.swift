import LuaBridge

extension ScriptRegistry {
    /// Borrows a state of the live generation and makes the smallest call
    /// (`type(0)`), for the supervisor watchdog: it returns only once the
    /// pool that every policy and extract.lua call waits on has handed out a
    /// state and that state ran Lua, so a daemon whose scripts are all stuck
    /// or queued behind a backlog does not look alive.
    /// - Throws: what the call threw (a state that could not be built).
    public func probe() async throws {
        guard let generation = current else { return }
        _ = try await generation.pool.withState { state in
            try state.call(.global("type"), [.int(0)])
        }
    }
}
