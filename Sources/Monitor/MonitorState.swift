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
    var wallClock = WallClockAnchor()
    /// What Redis has not been told yet.
    var pending = PendingWrites()
    /// The per-op counters as far as Redis has them (those read back at
    /// start plus every delta handed to the writer): a flush sends `ops`
    /// minus this, so counting a request touches one dictionary, not two.
    var persistedOps: [String: OpStats] = [:]
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

/// Changes since the last flush that the rest of the state does not already
/// say: a request that starts and ends between two flushes never touches the
/// active hash, and counters go out as the growth since the last flush.
struct PendingWrites: Sendable {
    var reset = false
    var ended: [UInt64] = []
    /// Requests completed (and failed) since the last flush: the flush sends
    /// that many of the newest entries of `completed` (and `errors`), which
    /// keep the last 100, just as the Redis lists do.
    var completed = 0
    var errors = 0
    var janitor = Deque<JSONObject>()
}

/// What one flush hands to Redis, taken out of the state under the lock and
/// encoded after it is released.
struct FlushBatch: Sendable {
    var reset = false
    /// The active requests newer than `persistedThrough`.
    var started: [ActiveRequest] = []
    var ended: [UInt64] = []
    var completed: [CompletedRequest] = []
    var errors: [CompletedRequest] = []
    var janitor: [JSONObject] = []
    var opDeltas: [String: OpStats] = [:]
}
