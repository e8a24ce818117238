import FoundationEssentials
import Scripting

/// Adaptive per-host politeness: keeps each host's `HostStats`, asks the
/// policy (`politeness(host, stats)`) before every request, and holds the
/// request at the `HostGate` with the answer, so an answer takes effect for
/// the next request to that host.
///
/// One throttle serves the whole daemon (every job and the `crawl` op), so
/// what one of them sees of a host (its latency, its 429s) slows all of
/// them. A `Retry-After` on a 429 or 503 pauses the host in the gate itself,
/// whatever the policy answers, for at most `maxPause` (`--max-crawl-delay`):
/// no script can make crawld ignore it, and no site can park a host for a day.
///
/// Keyed by origin like the gate; the policy is asked with the host name.
/// Remembers at most `maxHosts` origins, forgetting the least recently used
/// idle ones first.
public actor HostThrottle {
    private struct Entry {
        var stats = HostStats()
        var starts = StartWindow(window: HostThrottle.rateWindow, capacity: HostThrottle.maxStarts)
        var refusedAt: ContinuousClock.Instant?
        /// The refusals since a request sent after them last succeeded (nil: none).
        var run: RefusalRun?
        var pausedUntil: ContinuousClock.Instant?
        var lastUsed = ContinuousClock.now
    }

    /// The window `HostStats.rate` is measured over.
    static let rateWindow: Duration = .seconds(1)
    /// The weight of the newest response in the latency mean (Scrapy's AutoThrottle uses an even 0.5; this is smoother).
    static let latencyWeight = 0.3
    /// Start times kept per host for the rate; past it the rate reads low rather than memory growing.
    static let maxStarts = 4096

    private let policy: PolitenessPolicy
    private let maxPause: Duration
    private let maxHosts: Int
    private var entries: [String: Entry] = [:]
    public nonisolated let gate: HostGate

    /// - Parameters:
    ///   - policy: `policies.politeness(host, stats)`.
    ///   - maxPause: the longest `Retry-After` honoured (`--max-crawl-delay`).
    public init(policy: @escaping PolitenessPolicy, maxPause: Duration, gate: HostGate = HostGate(), maxHosts: Int = 10_000) {
        self.policy = policy
        self.maxPause = maxPause
        self.gate = gate
        self.maxHosts = maxHosts
    }

    /// Asks the policy for `origin`'s next request and waits at the gate for it.
    /// - Parameters:
    ///   - atLeast: the caller's own least delay (a job's `delay_ms`, a robots.txt `Crawl-delay`).
    /// - Throws: `CancellationError` when the task is cancelled while waiting; no slot is held then.
    public func acquire(origin: String, host: String, atLeast: Duration = .zero) async throws {
        let answer = await politeness(origin: origin, host: host)
        try await gate.acquire(origin, delay: max(answer.delay, atLeast), maxConcurrency: answer.maxConcurrency)
        started(origin: origin)
    }

    /// Records the answer to a request `acquire` let through and frees its slot.
    /// - Parameters:
    ///   - latency: from the request's start to its answer.
    ///   - status: nil when no response came.
    ///   - retryAfter: the response's raw `Retry-After` header.
    public func release(origin: String, latency: Duration, status: Int?, retryAfter: String?) async {
        await finished(origin: origin, latency: latency, status: status, retryAfter: retryAfter)
        await gate.release(origin)
    }

    /// Frees the slot of a request `acquire` let through that was never sent.
    public func abandon(origin: String) async {
        entries[origin]?.stats.inFlight -= 1
        await gate.release(origin)
    }

    // MARK: - Requests the gate does not hold

    /// Counts a request to `origin` that starts now without waiting at the
    /// gate (a `crawl` op): it is in flight and in the rate from now on.
    public func started(origin: String) {
        let now = ContinuousClock.now
        update(origin) { entry in
            entry.stats.inFlight += 1
            entry.starts.record(now)
            entry.lastUsed = now
        }
    }

    /// Records the answer to a request counted by `started`: its latency and
    /// status, and a 429 or 503 with its `Retry-After`, which pauses the host.
    /// Refusals and unanswered requests go to the host's `RefusalRun`, which
    /// tells a rate limit (the limit is read anew) from an outage (the limit
    /// stays what the host sustained; the host is paused, longer each time).
    public func finished(origin: String, latency: Duration, status: Int?, retryAfter: String?) async {
        let now = ContinuousClock.now
        let pause = update(origin) { entry in Self.recordAnswer(&entry, latency: latency, status: status, retryAfter: retryAfter, now: now, maxPause: maxPause) }
        forgetIfFull()
        if let pause { await gate.pause(origin, until: pause) }
    }

    /// `finished`'s bookkeeping on the host's entry.
    /// - Returns: until when the gate holds the host, when the answer pauses it.
    private static func recordAnswer(
        _ entry: inout Entry, latency: Duration, status: Int?, retryAfter: String?, now: ContinuousClock.Instant, maxPause: Duration
    ) -> ContinuousClock.Instant? {
        entry.stats.inFlight = max(0, entry.stats.inFlight - 1)
        entry.stats.requests += 1
        let weight = entry.stats.requests == 1 ? 1 : Self.latencyWeight
        entry.stats.latency = entry.stats.latency * (1 - weight) + latency * weight
        entry.stats.statuses.append(status ?? 0)
        if entry.stats.statuses.count > HostStats.statusHistory { entry.stats.statuses.removeFirst() }
        var pause: ContinuousClock.Instant?
        let isRefusal = status == 429 || status == 503
        if status == 429 { entry.stats.count429 += 1 } else if status == 503 { entry.stats.count503 += 1 }
        if let status, status < 400 {
            if entry.run?.isEnded(bySuccessOf: now - latency) == true { entry.run = nil }
        } else if isRefusal || status == nil {
            var run = entry.run ?? RefusalRun(began: now, previousLimit: entry.stats.refusedRate)
            let hadLimit = run.limit != nil
            let reading = run.refused(
                isRefusal: isRefusal, startedAt: now - latency, now: now, pace: entry.starts.rate(now: now), maxPause: maxPause)
            entry.run = run
            if let limit = reading.limit { entry.stats.refusedRate = limit }
            if !hadLimit && run.limit != nil { entry.stats.limitReadings += 1 }
            if reading.backOff {
                entry.stats.throttled += 1
                entry.refusedAt = now
            }
            let asked = retryAfter.flatMap { RetryPlanner.retryAfter($0, now: Date()) }.map { min($0, maxPause) }
            if let wait = asked ?? reading.pause {
                let until = now + wait
                entry.pausedUntil = max(entry.pausedUntil ?? until, until)
                pause = until
            }
        }
        entry.lastUsed = now
        return pause
    }

    /// The policy's answer for `origin`'s next request, given its statistics as of now.
    ///
    /// The `throttled` count is handed out once: the call that sees a refusal
    /// is the one that backs off, however many requests are in flight.
    public func politeness(origin: String, host: String) async -> Politeness {
        let stats = snapshot(origin)
        let answer = await policy(host, stats)
        entries[origin, default: Entry()].stats.current = answer
        return answer
    }

    /// The statistics of `origin` as the policy would see them now (nil: never seen).
    public func stats(origin: String) -> HostStats? {
        entries[origin].map { Self.view($0, now: .now) }
    }

    private func snapshot(_ origin: String) -> HostStats {
        update(origin) { entry in
            let stats = Self.view(entry, now: .now)
            entry.stats.throttled = 0
            return stats
        }
    }

    /// Runs `body` on `origin`'s entry where it lies (a new one when unseen): an entry copied out and
    /// written back would copy its start times each time.
    private func update<Result>(_ origin: String, _ body: (inout Entry) -> Result) -> Result {
        body(&entries[origin, default: Entry()])
    }

    private static func view(_ entry: Entry, now: ContinuousClock.Instant) -> HostStats {
        var stats = entry.stats
        stats.rate = entry.starts.rate(now: now)
        stats.retryAfter = entry.pausedUntil.map { max(.zero, $0 - now) } ?? .zero
        stats.sinceRefusal = entry.refusedAt.map { now - $0 }
        return stats
    }

    /// Drops the least recently used half of the idle origins once `maxHosts` is passed.
    private func forgetIfFull() {
        guard entries.count > maxHosts else { return }
        let idle = entries.filter { $0.value.stats.inFlight == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }
        for (origin, _) in idle.prefix(max(1, idle.count / 2)) { entries[origin] = nil }
    }
}
