/// Per-host politeness, shared by every job of the daemon: at most
/// `maxConcurrency` requests to a host at once, and each request starts no
/// sooner than its `delay` after the last request to that host started, so
/// a delay means what an operator reads in it: at most one start per
/// `delay`, whatever the host's latency. With one request at a time
/// (`maxConcurrency` 1) the delay also runs from the last request's end, so
/// a slow host still gets a pause between the requests of a serial crawl;
/// with several in flight there is no "between", and an end holding the
/// next start back would make the rate fall below one per `delay` as the
/// host slows (issue 24's benchmark: 20 ms gave 34 requests/s, not 50).
///
/// The delay is the requesting job's (its `delay_ms`, the crawl-delay it
/// obeys, policies.lua's), never the host's: the gate keeps the times of past
/// requests, not a reservation in the future. So a job that obeys a site's
/// `Crawl-delay: 60` waits a minute between its pages while a job to the same
/// host that ignores robots.txt is held only by its own delay, and nothing a
/// job asked for outlives it. Waiters that wake together re-check, so no two
/// requests to a host start at once; order among them is not promised.
///
/// Every wait ends at once when its task is cancelled (`job.cancel`, SIGTERM):
/// `acquire` then throws and holds no slot. Keyed by origin
/// (`scheme://host:port`), so two servers on one machine are two hosts.
/// The caller must `release` once per successful `acquire`.
public actor HostGate {
    private struct HostState {
        var lastStart: ContinuousClock.Instant?
        var lastEnd: ContinuousClock.Instant?
        var inFlight = 0
        /// The longest delay of a request so far: the state is needed until it has passed since the last end.
        var longestDelay: Duration = .zero
        /// No request starts before this (a `Retry-After` the host sent).
        var pausedUntil: ContinuousClock.Instant?
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []

        func readyTime(after delay: Duration, maxConcurrency: Int) -> ContinuousClock.Instant? {
            let last = maxConcurrency <= 1 ? [lastStart, lastEnd].compactMap { $0 }.max() : lastStart
            return [last.map { $0 + delay }, pausedUntil].compactMap { $0 }.max()
        }

        var isIdle: Bool {
            inFlight == 0 && waiters.isEmpty && (lastEnd.map { $0 + longestDelay <= .now } ?? true) && (pausedUntil.map { $0 <= .now } ?? true)
        }
    }

    private var hosts: [String: HostState] = [:]
    private var nextWaiter = 0
    /// The host count at which `forgetIdleHosts` next sweeps (amortised: twice what the last sweep kept).
    private var sweepAt = 64

    public init() {}

    /// Waits for a slot of `origin` and for `delay` since its last start (and, with `maxConcurrency` 1, its last end).
    /// - Throws: `CancellationError` when the task is cancelled while waiting; no slot is held then.
    public func acquire(_ origin: String, delay: Duration, maxConcurrency: Int) async throws {
        while true {
            try Task.checkCancellation()
            var state = hosts[origin] ?? HostState()
            if state.inFlight >= max(1, maxConcurrency) {
                waiting += 1
                await waitForRelease(origin)
                waiting -= 1
                continue
            }
            let now = ContinuousClock.now
            if let ready = state.readyTime(after: delay, maxConcurrency: maxConcurrency), ready > now {
                waiting += 1
                defer { waiting -= 1 }
                try await Task.sleep(until: ready, clock: .continuous)
                continue
            }
            state.inFlight += 1
            state.lastStart = now
            state.longestDelay = max(state.longestDelay, delay)
            hosts[origin] = state
            return
        }
    }

    /// Gives back a slot of `origin` and wakes every waiter of that host to re-check.
    public func release(_ origin: String) {
        guard var state = hosts[origin] else { return }
        state.inFlight -= 1
        state.lastEnd = .now
        let woken = state.waiters
        state.waiters = []
        hosts[origin] = state.isIdle ? nil : state
        for waiter in woken { waiter.continuation.resume() }
        forgetIdleHosts()
    }

    /// Holds every request to `origin` until `until` (a later pause already set stays).
    /// Requests already sleeping toward an earlier time re-check when they wake.
    public func pause(_ origin: String, until: ContinuousClock.Instant) {
        var state = hosts[origin] ?? HostState()
        state.pausedUntil = max(state.pausedUntil ?? until, until)
        hosts[origin] = state
    }

    /// Hosts the gate holds state for (requests in flight, waiters, or a delay still running).
    public var hostCount: Int { hosts.count }

    /// Requests waiting, for a slot or for a delay, over every host.
    public private(set) var waiting = 0

    /// Suspends until the next `release` of `origin`, or until the task is cancelled.
    private func waitForRelease(_ origin: String) async {
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    hosts[origin, default: HostState()].waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.withdraw(id, from: origin) }
        }
    }

    private func withdraw(_ id: Int, from origin: String) {
        guard let index = hosts[origin]?.waiters.firstIndex(where: { $0.id == id }) else { return }
        hosts[origin]?.waiters.remove(at: index).continuation.resume()
    }

    /// Drops hosts whose every delay has passed, so the gate does not grow with the hosts ever crawled.
    private func forgetIdleHosts() {
        guard hosts.count >= sweepAt else { return }
        hosts = hosts.filter { !$0.value.isIdle }
        sweepAt = max(64, hosts.count * 2)
    }
}
