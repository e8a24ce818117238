/// One host's run of refusals (429s, 503s, and requests that got no answer),
/// and whether it is a rate limit or an outage: what `HostThrottle` makes of
/// each answer for the limit it remembers (`HostStats.refusedRate`) and for
/// the pauses it puts on the host.
///
/// A rate limiter refuses the requests past its rate and answers the rest; a
/// site that is down refuses everything, or takes no connection. The first
/// refusal cannot tell the two apart, so it reads the limit as the pace of
/// the last second, as before: a site that lowers its limit is followed down.
/// The run lasts until a request that *started after it began* succeeds:
/// the late success of a request sent before the first refusal says nothing
/// of the host now (before, such a success ended the run, and the next 503
/// of the same outage, after a `Retry-After` pause, read the paused second's
/// pace as the limit: 10 requests a second against 28 before the outage). When a request that started at least
/// `outageAfter` after the run began is refused too, the host refuses
/// everything it is sent: an outage. Its refusals still back off and pause
/// the host, but the limit goes back to what the host sustained before it
/// (the higher of the limit remembered before the run and the pace at its
/// start), so the pace comes back as soon as the host answers again.
///
/// A request that got no answer (connection refused, timeout) is not a
/// refusal on its own (one slow page must not halve a host's pace); it
/// starts or extends a run, and once the run is an outage it backs off like
/// one. An outage whose refusals carry no `Retry-After` pauses the host
/// itself: 1 s, then twice as long after each probe that fails, at most the
/// operator's `--max-crawl-delay`.
///
/// Pure: the caller passes the time, so the rules are tested without waiting.
struct RefusalRun {
    /// How long after its first refusal a refused request makes a run an outage:
    /// longer than a rate limiter's refusals of requests already on their way.
    static let outageAfter: Duration = .seconds(1)
    /// The first pause an outage without `Retry-After` puts on the host.
    static let firstOutagePause: Duration = .seconds(1)

    /// When the run's first refusal came.
    let began: ContinuousClock.Instant
    /// The limit remembered before the run.
    let previousLimit: Double
    /// The pace of the last second at the run's first 429 or 503 (nil: none yet).
    private(set) var limit: Double?
    private(set) var isOutage = false
    /// The throttle's own pause of an outage without `Retry-After`: the next one, and until when the last holds.
    private var nextPause = firstOutagePause
    private var pausedUntil: ContinuousClock.Instant?

    init(began: ContinuousClock.Instant, previousLimit: Double) {
        self.began = began
        self.previousLimit = previousLimit
    }

    /// What one refusal or unanswered request tells the throttle.
    struct Reading: Equatable {
        /// The host's limit from now on (nil: unchanged).
        var limit: Double?
        /// Whether the policy is told to back off (`HostStats.throttled`).
        var backOff: Bool
        /// How long to pause the host when the answer asked for no pause itself (nil: no pause).
        var pause: Duration?
    }

    /// Records a 429 or 503 (`isRefusal`) or an unanswered request.
    /// - Parameters:
    ///   - startedAt: when the request was sent.
    ///   - pace: the host's requests per second over the last second, now.
    ///   - maxPause: the longest pause (`--max-crawl-delay`).
    mutating func refused(isRefusal: Bool, startedAt: ContinuousClock.Instant, now: ContinuousClock.Instant, pace: Double, maxPause: Duration) -> Reading {
        var reading = Reading(limit: nil, backOff: isRefusal, pause: nil)
        if isRefusal && limit == nil && !isOutage {
            limit = pace
            reading.limit = pace
        }
        if !isOutage && startedAt >= began + Self.outageAfter {
            isOutage = true
            reading.limit = max(previousLimit, limit ?? 0)
        }
        guard isOutage else { return reading }
        reading.backOff = true
        if startedAt >= pausedUntil ?? began {
            let pause = min(nextPause, maxPause)
            pausedUntil = now + pause
            nextPause = min(nextPause * 2, maxPause)
            reading.pause = pause
        }
        return reading
    }

    /// Whether a success (a status below 400) of a request sent at `startedAt` ends the run.
    func isEnded(bySuccessOf startedAt: ContinuousClock.Instant) -> Bool {
        startedAt >= began
    }
}
