import JSON
import Scripting

/// What crawld has seen of one host lately, handed to `policies.politeness(host, stats)`.
///
/// The policy is a pure function of the host and these numbers: Lua states
/// are pooled and share nothing between calls, so whatever a controller must
/// remember (its last answer, the rate that was last refused) is kept here
/// and given back with every call. That also makes the same policy usable
/// from anywhere that can gather the numbers (another instance, a shared
/// frontier).
public struct HostStats: Sendable, Equatable {
    /// Exponentially weighted mean of response times (0 before any response).
    public var latency: Duration = .zero
    /// Requests to the host started and not yet answered.
    public var inFlight = 0
    /// Responses (or failures) recorded so far.
    public var requests = 0
    /// Requests started in the last second.
    public var rate = 0.0
    /// The last statuses, oldest first; 0 stands for no response (a network error or timeout).
    public var statuses: [Int] = []
    /// 429 and 503 answers so far.
    public var count429 = 0
    public var count503 = 0
    /// 429 and 503 answers since the policy was last asked: the signal to back off.
    public var throttled = 0
    /// How long the host's last `Retry-After` still holds, clamped by `--max-crawl-delay`.
    public var retryAfter: Duration = .zero
    /// `rate` when the host began to refuse (the first 429 or 503 of a run:
    /// refusals while it is down or paused say nothing of its limit, and an
    /// outage leaves it at what the host sustained before, `RefusalRun`), and
    /// how long ago the last refusal came (nil: never).
    public var refusedRate = 0.0
    public var sinceRefusal: Duration?
    /// How many times `refusedRate` was read (the runs of refusals that read
    /// one). The first reading comes while the pace still climbs and may be
    /// off either way; a later one is the pace the policy held when the host
    /// refused it, so the host's limit lies just under it.
    public var limitReadings = 0
    /// The policy's current answer for the host (nil before the first).
    public var current: Politeness?

    /// How many statuses `statuses` keeps.
    public static let statusHistory = 16

    public init() {}

    /// The table the policy sees: numbers in ms and per second, absent fields for "never".
    public var json: JSONObject {
        var object: JSONObject = [
            "latency_ms": .double(latency.seconds * 1000), "in_flight": .int(Int64(inFlight)), "requests": .int(Int64(requests)),
            "rate": .double(rate), "statuses": .array(statuses.map { .int(Int64($0)) }),
            "count_429": .int(Int64(count429)), "count_503": .int(Int64(count503)), "throttled": .int(Int64(throttled)),
            "retry_after_ms": .double(retryAfter.seconds * 1000), "refused_rate": .double(refusedRate),
            "limit_readings": .int(Int64(limitReadings)),
        ]
        if let sinceRefusal { object["since_refusal_ms"] = .double(sinceRefusal.seconds * 1000) }
        if let current {
            object["delay_ms"] = .double(current.delay.seconds * 1000)
            object["max_concurrency"] = .int(Int64(current.maxConcurrency))
        }
        return object
    }
}
