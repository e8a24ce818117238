import DequeModule
import JSON

/// Everything the monitor holds, guarded by `Monitor.state`'s mutex.
struct MonitorState: Sendable {
    /// Whether changes are noted for Redis (false with `--redis none`).
    let persisting: Bool
    var nextToken: UInt64 = 0
    var active: [UInt64: ActiveRequest] = [:]
    /// Oldest first; at most 100.
    var completed = Deque<CompletedRequest>()
    var errors = Deque<CompletedRequest>()
    var poolEvents = Deque<JSONObject>()
    var ops: [String: OpStats] = [:]
    var timeline = Deque<TimelinePoint>()
    var requestsThisSlot = 0
    var scriptsGeneration = 0
    var scriptsLastError: String?
    var memorySample = 0.0
    var memorySampledAt: ContinuousClock.Instant?
    /// What Redis has not been told yet.
    var pending = PendingWrites()
    /// Per-op counters were read back from Redis (done once, before the first increment goes out).
    var loaded = false
    var lastHeartbeat: ContinuousClock.Instant?
    var heartbeatGeneration = 0
    /// Requests with tokens up to this one had their start handed to Redis.
    var persistedThrough: UInt64 = 0
    var stopRequested = false

    init(persisting: Bool) {
        self.persisting = persisting
    }
}

/// Changes since the last flush, coalesced: a request that starts and ends
/// between two flushes never touches the active hash; counters are summed.
struct PendingWrites: Sendable {
    var reset = false
    /// Filled at flush time from the active requests newer than `persistedThrough`.
    var started: [ActiveRequest] = []
    var ended: [UInt64] = []
    /// Entries are encoded at flush time, not per request: at most 100 per flush.
    var completed = Deque<CompletedRequest>()
    var errors = Deque<CompletedRequest>()
    var janitor = Deque<JSONObject>()
    var opDeltas: [String: OpStats] = [:]
}
