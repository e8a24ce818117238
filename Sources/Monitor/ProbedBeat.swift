import Synchronization

/// Lets a heartbeat through only after a probe of the request path came back
/// within a bound, so that a supervisor's watchdog restarts a daemon whose
/// requests hang instead of one whose timer merely fires.
///
/// Each `beat` starts one probe on a task of Swift's cooperative pool (where
/// requests and scripts run) and sends when it returns within `bound`. While
/// a probe is still out no other starts and nothing is sent: a request path
/// that never answers yields no beats at all, and one that answers late
/// (past `bound`) yields none for that round.
final class ProbedBeat: Sendable {
    private let probe: @Sendable () async -> Void
    private let bound: Duration
    private let probing = Atomic<Bool>(false)

    /// - Parameters:
    ///   - probe: returns once the request path answered; it is never cancelled.
    ///   - bound: the longest a probe may take for its beat to be sent.
    init(bound: Duration, probe: @escaping @Sendable () async -> Void) {
        self.bound = bound
        self.probe = probe
    }

    /// Probes, then calls `send` if the probe came back within the bound.
    /// Does nothing while the previous probe has not come back.
    func beat(_ send: @escaping @Sendable () -> Void) {
        guard probing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let start = ContinuousClock.now
        Task {
            await self.probe()
            let elapsed = ContinuousClock.now - start
            self.probing.store(false, ordering: .releasing)
            if elapsed <= self.bound { send() }
        }
    }
}
