import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ChromiumProcess {
    /// Every browser this process spawned and has not reaped yet, by pid.
    /// Registered at spawn, removed by ``terminate()``: what
    /// ``terminateAll(grace:)`` must stop before crawld may exit. It holds the
    /// process strongly; the engine that owns it terminates it on close and in
    /// its `deinit`, so nothing stays here that no engine will end.
    static let spawned = Mutex<[Int32: ChromiumProcess]>([:])

    /// Stops every browser still registered and reaps it: SIGTERM to each
    /// process group (Chromium then shuts down cleanly), up to `grace` for
    /// every member of every group to exit, then ``terminate()`` (SIGKILL to
    /// the group, `waitpid` on the leader, profile removed).
    ///
    /// Called last at shutdown, after the pool has closed what it could: a
    /// browser still busy with a render that drain cut short, or one whose
    /// close was left to a task that never ran, is ended here, so crawld
    /// exits only after all of its browsers have.
    static func terminateAll(grace: Duration) async {
        let all = spawned.withLock { Array($0.values) }
        guard !all.isEmpty else { return }
        for process in all { process.signalGroup(SIGTERM) }
        let end = ContinuousClock.now + grace
        while ContinuousClock.now < end, !Task.isCancelled, all.contains(where: { ProcFS.hasLiveMembers(group: $0.pid) }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for process in all { process.terminate() }
        // SIGKILL is delivered at once but a process takes a moment to leave;
        // wait (bounded) so that none of them outlives crawld.
        let gone = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < gone, !Task.isCancelled, all.contains(where: { ProcFS.hasLiveMembers(group: $0.pid) }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Kills and reaps every browser still registered, at once and from any
    /// thread: the daemon's hard stop (`DrainDeadline`), when there is no
    /// time left for ``terminateAll(grace:)``'s grace.
    static func killAll() {
        for process in spawned.withLock({ Array($0.values) }) { process.terminate() }
    }
}
