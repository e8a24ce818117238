import DequeModule
import FoundationEssentials
import JSON
import Logging
import Redis
import Synchronization

/// Tracks requests, op stats, pool events, errors and a timeline, and
/// persists them to Redis as increments and appends.
///
/// Recording (`recordStart`, `recordEnd`, `recordPoolEvent`) is synchronous
/// and short: it updates in-memory state behind a `Mutex` and notes what
/// Redis still has to learn. `run()` hands those notes to the Redis writer,
/// coalesced, every `flushInterval`, so a request never waits on Redis and a
/// thousand requests cost a handful of round trips. While Redis is away the
/// notes keep accumulating (counters as deltas, lists capped at 100) and are
/// written when it returns.
public final class Monitor: Sendable {
    static let keep = 100
    static let timelinePoints = 60
    /// Request ids are stored cut to this many bytes (marked `…[cut]`).
    public static let maximumRequestIDBytes = 128
    /// Error messages are stored cut to this many bytes (marked `…[cut]`).
    public static let maximumErrorMessageBytes = 1024

    let configuration: MonitorConfiguration
    let keys: MonitorKeys
    let redis: RedisConnection?
    let logger: Logger
    let memoryPercent: @Sendable () -> Double
    let poolSnapshot: @Sendable () -> [MonitorTierSnapshot]
    let state: Mutex<MonitorState>
    let memory: MemorySampler
    let processProbe: ProcessProbe
    let startedAt = Date()
    let started = ContinuousClock.now

    /// - Parameters:
    ///   - configuration: instance id, key prefix, TTLs, intervals.
    ///   - redis: the connection to persist through, or `nil` for `--redis none`.
    ///     The monitor starts it in `run()` and shuts it down when `run()` ends.
    ///   - memoryPercent: container memory in use, 0-100 (the pool's probe).
    ///   - poolSnapshot: engines and memory per tier, for health and the timeline.
    ///   - procRoot: where `/proc` is; tests point it at fixtures.
    public init(
        configuration: MonitorConfiguration,
        redis: RedisConnection?,
        logger: Logger,
        memoryPercent: @escaping @Sendable () -> Double,
        poolSnapshot: @escaping @Sendable () -> [MonitorTierSnapshot] = { [] },
        procRoot: String = "/proc"
    ) {
        self.configuration = configuration
        self.keys = MonitorKeys(prefix: configuration.keyPrefix, id: configuration.instanceID)
        self.redis = redis
        self.logger = logger
        self.memoryPercent = memoryPercent
        self.poolSnapshot = poolSnapshot
        self.state = Mutex(MonitorState(persisting: redis != nil))
        self.memory = MemorySampler(probe: memoryPercent)
        self.processProbe = ProcessProbe(procRoot: procRoot)
    }

    // MARK: - Recording

    /// Notes the start of a request. Cheap; call it on the request's task.
    /// - Parameters:
    ///   - requestID: cut to `maximumRequestIDBytes`.
    ///   - url: cut to 100 characters.
    ///   - signature: the engine config signature, if known yet.
    public func recordStart(op: String, requestID: String?, url: String?, signature: String? = nil) -> MonitorRequestToken {
        let now = ContinuousClock.now
        let memory = memory.value(at: now)
        let url = url?.cut(to: 100)
        let requestID = requestID?.cut(toBytes: Self.maximumRequestIDBytes)
        return state.withLock { state in
            state.nextToken += 1
            let request = ActiveRequest(
                token: state.nextToken, requestID: requestID, op: op, url: url,
                startedAt: state.wallClock.seconds(at: now), started: now, signature: signature, memoryAtStart: memory
            )
            state.active[request.token] = request
            state.requestsThisSlot += 1
            return MonitorRequestToken(value: request.token)
        }
    }

    /// Notes the end of a request: it moves to the completed list and counts in its op's stats.
    ///
    /// What Redis has to learn of it is not copied here: the flush takes the
    /// newest completed entries and the counters' growth since the last
    /// flush (`Monitor+Persistence`), so persistence adds nothing per request.
    public func recordEnd(_ token: MonitorRequestToken, outcome: MonitorOutcome) {
        var outcome = outcome
        outcome.errorMessage = outcome.errorMessage?.cut(toBytes: Self.maximumErrorMessageBytes)
        let now = ContinuousClock.now
        let memory = memory.value(at: now)
        state.withLock { state in
            guard var request = state.active.removeValue(forKey: token.value) else { return }
            if let signature = outcome.signature { request.signature = signature }
            let micros = (now - request.started).nanoseconds / 1000
            let done = CompletedRequest(
                active: request, elapsedMs: Double(micros) / 1000, memoryDelta: memory - request.memoryAtStart, outcome: outcome
            )
            state.ops[request.op, default: OpStats()].record(micros: micros, outcome: outcome)
            state.completed.appendCapped(done, limit: Self.keep)
            if !outcome.success { state.errors.appendCapped(done, limit: Self.keep) }
            guard state.persisting else { return }
            state.pending.completed += 1
            if !outcome.success { state.pending.errors += 1 }
            // Only requests whose start already went to Redis need an HDEL.
            if token.value <= state.persistedThrough { state.pending.ended.append(token.value) }
        }
    }

    /// Notes a janitor or pool event (an engine closed, promoted, refused...).
    /// Plain fields, so the monitor needs nothing from the Pool module.
    public func recordPoolEvent(kind: String, signature: String, tier: String, idleSeconds: Double, ttlSeconds: Double) {
        let event: JSONObject = [
            "at": .double(Date().timeIntervalSince1970), "kind": .string(kind), "sig": .string(signature), "tier": .string(tier),
            "idle_s": .double(idleSeconds.rounded(toPlaces: 3)), "ttl_s": .double(ttlSeconds.rounded(toPlaces: 3)),
        ]
        state.withLock { state in
            state.poolEvents.appendCapped(event, limit: Self.keep)
            if state.persisting { state.pending.janitor.appendCapped(event, limit: Self.keep) }
        }
    }

    /// Sets what `monitor.health` shows about the Lua scripts (after each load or reload).
    public func setScripts(generation: Int, lastError: String?) {
        state.withLock { state in
            state.scriptsGeneration = generation
            state.scriptsLastError = lastError
        }
    }

    /// Requests in flight now.
    public var inFlight: Int { state.withLock { $0.active.count } }
}

extension Deque {
    /// Appends, then drops the oldest so at most `limit` remain (O(1): a ring buffer).
    mutating func appendCapped(_ element: Element, limit: Int) {
        append(element)
        if count > limit { removeFirst(count - limit) }
    }
}
