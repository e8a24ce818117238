import FoundationEssentials
import JSON
import Redis

/// The results of the monitor ops of protocol.md, as JSON objects the Daemon
/// puts in the answer (next to `id` and `ok`).
extension Monitor {
    /// `monitor.health`.
    public func health() -> JSONObject {
        let memory = memoryPercent()
        let network = processProbe.network()
        let tiers = poolSnapshot()
        let (generation, scriptError, inFlight) = state.withLock { ($0.scriptsGeneration, $0.scriptsLastError, $0.active.count) }
        let uptime = ContinuousClock.now - started
        var redisJSON: JSONObject = ["state": "disabled"]
        if let status = redis?.currentStatus {
            redisJSON = [
                "state": .string(status.state.rawValue), "last_error": status.lastError.map(JSONValue.string) ?? .null,
                "queue_depth": .int(Int64(status.queueDepth)), "dropped_writes": .int(Int64(status.droppedWrites)),
                "failed_writes": .int(Int64(status.failedWrites)), "round_trips": .int(Int64(status.roundTrips)),
            ]
        }
        return [
            "instance": .string(configuration.instanceID.rawValue),
            "version": .string(configuration.version),
            "uptime_s": .int(uptime.components.seconds),
            "cpu_percent": .double(processProbe.cpuPercent().rounded(toPlaces: 2)),
            "memory_percent": .double(memory.rounded(toPlaces: 2)),
            "pressure": .string(pressure(memory)),
            "network": ["rx_bytes": .int(network.received), "tx_bytes": .int(network.sent)],
            "in_flight": .int(Int64(inFlight)),
            "pool": .object(
                JSONObject(
                    uniqueKeysWithValues: tiers.map {
                        ($0.tier, JSONValue.object(["engines": .int(Int64($0.engines)), "memory_bytes": .int($0.memoryBytes)]))
                    })),
            "redis": .object(redisJSON),
            "scripts": ["generation": .int(Int64(generation)), "last_error": scriptError.map(JSONValue.string) ?? .null],
        ]
    }

    /// LOW / MEDIUM / HIGH from memory %, at the configured thresholds.
    func pressure(_ memory: Double) -> String {
        if memory >= configuration.highPressurePercent { return "HIGH" }
        if memory >= configuration.mediumPressurePercent { return "MEDIUM" }
        return "LOW"
    }

    /// `monitor.requests`: `status` is `all` (default), `success` or `error`; `limit` 1...100 (default 100).
    public func requests(status: String? = nil, limit: Int? = nil) throws(MonitorError) -> JSONObject {
        let filter = status ?? "all"
        guard ["all", "success", "error"].contains(filter) else {
            throw MonitorError(.invalidParameter, "status must be all, success or error, got '\(filter)'")
        }
        let count = try Self.checkLimit(limit)
        let (active, completed) = state.withLock { state in
            (state.active.values.sorted { $0.token < $1.token }, state.completed)
        }
        let chosen = completed.reversed().filter { filter == "all" || $0.outcome.success == (filter == "success") }.prefix(count)
        return [
            "active": .array(active.prefix(count).map { .object($0.json) }),
            "completed": .array(chosen.map { .object($0.json) }),
        ]
    }

    /// `monitor.endpoints`: per op, count, average latency, success %, pool hit %, errors.
    public func endpoints() -> JSONObject {
        let ops = state.withLock { $0.ops }
        return ["ops": .object(JSONObject(uniqueKeysWithValues: ops.sorted { $0.key < $1.key }.map { ($0.key, .object($0.value.json)) }))]
    }

    /// `monitor.timeline`: `metric` is `memory`, `requests` or `pool`; `window` in seconds (5...300, default 300).
    public func timeline(metric: String, window: Int? = nil) throws(MonitorError) -> JSONObject {
        guard ["memory", "requests", "pool"].contains(metric) else {
            throw MonitorError(.invalidParameter, "metric must be memory, requests or pool, got '\(metric)'")
        }
        let seconds = window ?? 300
        guard (1...300).contains(seconds) else { throw MonitorError(.invalidParameter, "window must be 1-300 seconds, got \(seconds)") }
        let since = Date().timeIntervalSince1970 - Double(seconds)
        let points = state.withLock { $0.timeline }.filter { $0.timestamp >= since }
        let values: [JSONValue] = points.map { point in
            switch metric {
            case "memory": return .double(point.memoryPercent.rounded(toPlaces: 2))
            case "requests": return .int(Int64(point.requests))
            default: return .object(JSONObject(uniqueKeysWithValues: point.tiers.map { ($0.tier, JSONValue.int(Int64($0.engines))) }))
            }
        }
        return ["timestamps": .array(points.map { .double($0.timestamp.rounded(toPlaces: 3)) }), "values": .array(values)]
    }

    /// `monitor.logs`: `kind` is `janitor` or `errors`, newest first; `limit` 1...100.
    public func logs(kind: String, limit: Int? = nil) throws(MonitorError) -> JSONObject {
        let count = try Self.checkLimit(limit)
        switch kind {
        case "janitor":
            return ["entries": .array(state.withLock { $0.poolEvents }.reversed().prefix(count).map { .object($0) })]
        case "errors":
            return ["entries": .array(state.withLock { $0.errors }.reversed().prefix(count).map { .object($0.errorJSON) })]
        default:
            throw MonitorError(.invalidParameter, "kind must be janitor or errors, got '\(kind)'")
        }
    }

    /// `stats.reset`: zeroes op stats, completed requests and errors, here and (now or when it is back) in Redis.
    public func resetStats() -> JSONObject {
        state.withLock { state in
            state.ops.removeAll()
            state.completed.removeAll()
            state.errors.removeAll()
            guard state.persisting else { return }
            state.persistedOps.removeAll()
            state.pending.completed = 0
            state.pending.errors = 0
            state.pending.reset = true
        }
        return ["reset": true]
    }

    private static func checkLimit(_ limit: Int?) throws(MonitorError) -> Int {
        let value = limit ?? keep
        guard (1...keep).contains(value) else { throw MonitorError(.invalidParameter, "limit must be 1-\(keep), got \(value)") }
        return value
    }
}
