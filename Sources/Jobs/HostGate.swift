/// Per-host politeness, shared by every job of the daemon: at most
/// `maxConcurrency` requests to a host at once, request starts at least
/// `delay` apart, and no request starts sooner than `delay` after one to the
/// same host ended (so a slow host gets the pause as well as a fast one).
///
/// Each `acquire` reserves the next start time for its host before it sleeps,
/// so waiting requests are served in order and never start together. Keyed by
/// origin (`scheme://host:port`), so two servers on one machine are two hosts.
/// The caller must `release` once per `acquire`, whether or not it fetched.
public actor HostGate {
    private struct HostState {
        var nextStart: ContinuousClock.Instant
        var delay: Duration = .zero
        var inFlight = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private var hosts: [String: HostState] = [:]

    public init() {}

    /// Waits for a slot of `origin` and its reserved start time.
    ///
    /// Returns early (holding the slot) if the task is cancelled while sleeping;
    /// the caller checks cancellation and releases.
    public func acquire(_ origin: String, delay: Duration, maxConcurrency: Int) async {
        var state = hosts[origin] ?? HostState(nextStart: .now)
        while state.inFlight >= max(1, maxConcurrency) {
            await withCheckedContinuation { continuation in
                state.waiters.append(continuation)
                hosts[origin] = state
            }
            state = hosts[origin] ?? HostState(nextStart: .now)
        }
        let start = max(ContinuousClock.now, state.nextStart)
        state.nextStart = start + delay
        state.delay = delay
        state.inFlight += 1
        hosts[origin] = state
        try? await Task.sleep(until: start, clock: .continuous)
    }

    /// Gives back a slot of `origin` and wakes the first waiter.
    public func release(_ origin: String) {
        guard var state = hosts[origin] else { return }
        state.inFlight -= 1
        state.nextStart = max(state.nextStart, ContinuousClock.now + state.delay)
        if !state.waiters.isEmpty {
            state.waiters.removeFirst().resume()
        }
        if state.inFlight == 0, state.waiters.isEmpty, state.nextStart <= .now {
            hosts[origin] = nil
        } else {
            hosts[origin] = state
        }
    }
}

/// The global cap on pages in flight across all jobs: a FIFO counting semaphore.
public actor PageSlots {
    public let limit: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Waits for a free slot.
    public func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it straight to the first waiter if there is one.
    public func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    public var inFlight: Int { inUse }
}
