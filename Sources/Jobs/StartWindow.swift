import DequeModule

/// The start times of one host's requests over the last `window`, for the
/// rate `HostStats` shows the policy.
///
/// Starts arrive in time order, so the ones that aged out are always at the
/// front: recording drops them there and the rate skips them there, and both
/// cost what left the window, not what is in it. The array this replaced was
/// scanned, filtered and copied whole on every request: at 1,700 `crawl`s a
/// second to one host that was about 2% of crawld's CPU (docs/benchmarks.md).
struct StartWindow {
    let window: Duration
    /// Past it the rate reads low rather than memory growing.
    let capacity: Int
    private var starts = Deque<ContinuousClock.Instant>()

    init(window: Duration, capacity: Int) {
        self.window = window
        self.capacity = capacity
    }

    /// Counts a start at `now`, which is never earlier than the last one.
    mutating func record(_ now: ContinuousClock.Instant) {
        while let first = starts.first, now - first > window { starts.removeFirst() }
        if starts.count < capacity { starts.append(now) }
    }

    /// Starts per second within the last `window`; while the host is newer
    /// than that, over the time since its first start (at least 100 ms).
    func rate(now: ContinuousClock.Instant) -> Double {
        guard let first = starts.first else { return 0 }
        let aged = starts.prefix { now - $0 > window }.count
        let span = min(max((now - first).seconds, 0.1), window.seconds)
        return Double(starts.count - aged) / span
    }
}
