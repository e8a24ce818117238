import JSON

/// Identifies one tracked request between `recordStart` and `recordEnd`.
///
/// Client ids may be missing or repeat across connections, so the monitor
/// hands out its own.
public struct MonitorRequestToken: Sendable, Hashable {
    let value: UInt64
}

/// How a request ended, as `recordEnd` takes it.
public struct MonitorOutcome: Sendable {
    public var success: Bool
    public var errorCode: String?
    public var errorMessage: String?
    /// HTTP status of the crawled page, when there was one.
    public var status: Int?
    /// Whether the pool served it from an existing engine.
    public var poolHit: Bool?
    /// The config signature, when only known at the end.
    public var signature: String?

    public init(success: Bool, errorCode: String? = nil, errorMessage: String? = nil, status: Int? = nil, poolHit: Bool? = nil, signature: String? = nil) {
        self.success = success
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.status = status
        self.poolHit = poolHit
        self.signature = signature
    }
}

/// One pool tier as the daemon reports it for health and the timeline.
public struct MonitorTierSnapshot: Sendable, Hashable {
    public var tier: String
    public var engines: Int
    public var memoryBytes: Int64

    public init(tier: String, engines: Int, memoryBytes: Int64) {
        self.tier = tier
        self.engines = engines
        self.memoryBytes = memoryBytes
    }
}

struct ActiveRequest: Sendable {
    let token: UInt64
    let requestID: String?
    let op: String
    let url: String?
    let startedAt: Double
    let started: ContinuousClock.Instant
    var signature: String?
    let memoryAtStart: Double

    var json: JSONObject {
        [
            "request": requestID.map(JSONValue.string) ?? .null, "op": .string(op), "url": url.map(JSONValue.string) ?? .null,
            "started_at": .double(startedAt), "sig": signature.map(JSONValue.string) ?? .null,
            "memory_percent": .double(memoryAtStart.rounded(toPlaces: 2)),
        ]
    }
}

struct CompletedRequest: Sendable {
    let active: ActiveRequest
    let elapsedMs: Double
    let memoryDelta: Double
    let outcome: MonitorOutcome

    var json: JSONObject {
        var object = active.json
        object["elapsed_ms"] = .double(elapsedMs.rounded(toPlaces: 3))
        object["memory_delta"] = .double(memoryDelta.rounded(toPlaces: 2))
        object["success"] = .bool(outcome.success)
        object["error"] = outcome.errorMessage.map(JSONValue.string) ?? outcome.errorCode.map(JSONValue.string) ?? .null
        object["status"] = outcome.status.map { .int(Int64($0)) } ?? .null
        object["pool_hit"] = outcome.poolHit.map(JSONValue.bool) ?? .null
        return object
    }

    var errorJSON: JSONObject {
        [
            "at": .double(active.startedAt + elapsedMs / 1000), "request": active.requestID.map(JSONValue.string) ?? .null,
            "op": .string(active.op), "url": active.url.map(JSONValue.string) ?? .null,
            "code": outcome.errorCode.map(JSONValue.string) ?? .null, "message": .string(outcome.errorMessage ?? outcome.errorCode ?? "failed"),
        ]
    }
}

/// Counters of one op; averages and percentages are derived when read.
struct OpStats: Sendable, Hashable {
    var count: Int64 = 0
    var totalMicros: Int64 = 0
    var errors: Int64 = 0
    var successes: Int64 = 0
    var poolHits: Int64 = 0

    static let fields = ["count", "total_us", "errors", "successes", "pool_hits"]

    var values: [Int64] { [count, totalMicros, errors, successes, poolHits] }

    mutating func add(field: String, _ value: Int64) {
        switch field {
        case "count": count += value
        case "total_us": totalMicros += value
        case "errors": errors += value
        case "successes": successes += value
        case "pool_hits": poolHits += value
        default: break
        }
    }

    mutating func add(_ other: OpStats) {
        count += other.count
        totalMicros += other.totalMicros
        errors += other.errors
        successes += other.successes
        poolHits += other.poolHits
    }

    /// Counts one finished request.
    mutating func record(micros: Int64, outcome: MonitorOutcome) {
        count += 1
        totalMicros += micros
        if outcome.success { successes += 1 } else { errors += 1 }
        if outcome.poolHit == true { poolHits += 1 }
    }

    /// Field by field, what `self` counted beyond `earlier`.
    func growth(since earlier: OpStats) -> OpStats {
        OpStats(
            count: count - earlier.count, totalMicros: totalMicros - earlier.totalMicros, errors: errors - earlier.errors,
            successes: successes - earlier.successes, poolHits: poolHits - earlier.poolHits
        )
    }

    var json: JSONObject {
        let n = Double(max(count, 1))
        return [
            "count": .int(count), "avg_latency_ms": .double((Double(totalMicros) / n / 1000).rounded(toPlaces: 3)),
            "success_pct": .double((Double(successes) * 100 / n).rounded(toPlaces: 2)),
            "pool_hit_pct": .double((Double(poolHits) * 100 / n).rounded(toPlaces: 2)),
            "errors": .int(errors), "successes": .int(successes),
        ]
    }
}

struct TimelinePoint: Sendable {
    let timestamp: Double
    let memoryPercent: Double
    let requests: Int
    let tiers: [MonitorTierSnapshot]
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}

extension String {
    /// At most `limit` characters, so a huge URL cannot bloat the monitor.
    func cut(to limit: Int) -> String { count <= limit ? self : String(prefix(limit)) }

    /// What marks a value the monitor cut: kept text, then this.
    static let cutMarker = "…[cut]"

    /// At most `limit` bytes of UTF-8, ending in `cutMarker` when cut, never
    /// splitting a character. What clients send (request ids, and error
    /// messages that quote their input) is stored this way, in memory and in
    /// Redis, so a megabyte id costs the monitor `limit` bytes, not a megabyte
    /// per entry kept.
    func cut(toBytes limit: Int) -> String {
        guard utf8.count > limit else { return self }
        let room = Swift.max(0, limit - Self.cutMarker.utf8.count)
        var end = utf8.index(utf8.startIndex, offsetBy: room)
        while end > startIndex, !end.isScalarBoundary(in: self) { end = utf8.index(before: end) }
        return String(self[..<end]) + Self.cutMarker
    }
}

extension String.Index {
    fileprivate func isScalarBoundary(in text: String) -> Bool {
        samePosition(in: text.unicodeScalars) != nil
    }
}
