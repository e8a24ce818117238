import Dispatch
import FoundationEssentials
import JSON
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// Writing to Redis: coalesced increments and appends, heartbeats, load at
/// start and deregistration at the end.
extension Monitor {
    /// Hands everything noted since the last flush to the Redis writer.
    ///
    /// Does nothing while the link is not up, so the notes keep piling up
    /// (bounded) instead of being dropped by a full write queue; the first
    /// flush after a connect reads the per-op counters back, so a restart
    /// keeps them and increments never count twice.
    func flush() async {
        guard let redis else { return }
        let status = redis.currentStatus
        guard status.state == .connected else { return }
        if !state.withLock({ $0.loaded }) {
            guard await loadOpStats(from: redis) else { return }
        }
        let now = ContinuousClock.now
        let (batch, heartbeatDue) = state.withLock { state -> (FlushBatch, Bool) in
            let due = state.lastHeartbeat.map { now - $0 >= configuration.heartbeatInterval } ?? true
            let relinked = state.heartbeatGeneration != status.connectionGeneration
            if due || relinked {
                state.lastHeartbeat = now
                state.heartbeatGeneration = status.connectionGeneration
            }
            return (state.takeFlushBatch(), due || relinked)
        }
        var commands = persistenceCommands(for: batch)
        if heartbeatDue { commands += heartbeatCommands() }
        redis.enqueue(contentsOf: commands)
    }

    /// Reads `{id}:endpoints` back and adds it under what was counted since start.
    private func loadOpStats(from redis: RedisConnection) async -> Bool {
        do {
            let reply = try await redis.command(["HGETALL", keys.endpoints])
            var loaded: [String: OpStats] = [:]
            for (field, value) in reply.fieldValues ?? [:] {
                guard let colon = field.lastIndex(of: ":"), let number = Int64(value) else { continue }
                loaded[String(field[..<colon]), default: OpStats()].add(field: String(field[field.index(after: colon)...]), number)
            }
            state.withLock { state in
                for (op, stats) in loaded {
                    state.ops[op, default: OpStats()].add(stats)
                    state.persistedOps[op, default: OpStats()].add(stats)
                }
                state.loaded = true
            }
            return true
        } catch {
            return false
        }
    }

    func persistenceCommands(for pending: FlushBatch) -> [[String]] {
        let ttls = configuration.ttls
        var commands: [[String]] = []
        if pending.reset { commands.append(["DEL", keys.endpoints, keys.completed, keys.errors]) }
        if !pending.started.isEmpty {
            var hset = ["HSET", keys.active]
            for request in pending.started {
                hset += [String(request.token), JSONValue.object(request.json).encodedString()]
            }
            commands += [hset, ["EXPIRE", keys.active, String(ttls.active)]]
        }
        if !pending.ended.isEmpty { commands.append(["HDEL", keys.active] + pending.ended.map(String.init)) }
        commands += appendCommands(key: keys.completed, entries: pending.completed.map(\.json), ttl: ttls.completed)
        commands += appendCommands(key: keys.errors, entries: pending.errors.map(\.errorJSON), ttl: ttls.errors)
        commands += appendCommands(key: keys.janitor, entries: pending.janitor, ttl: ttls.janitor)
        if !pending.opDeltas.isEmpty {
            for (op, delta) in pending.opDeltas.sorted(by: { $0.key < $1.key }) {
                for (field, value) in zip(OpStats.fields, delta.values) where value != 0 {
                    commands.append(["HINCRBY", keys.endpoints, "\(op):\(field)", String(value)])
                }
            }
            commands.append(["EXPIRE", keys.endpoints, String(ttls.endpoints)])
        }
        return commands
    }

    /// LPUSH (newest ends at the head), LTRIM to 100, EXPIRE: three commands however many entries.
    private func appendCommands(key: String, entries: [JSONObject], ttl: Int) -> [[String]] {
        guard !entries.isEmpty else { return [] }
        return [["LPUSH", key] + entries.map { JSONValue.object($0).encodedString() }, ["LTRIM", key, "0", String(Self.keep - 1)], ["EXPIRE", key, String(ttl)]]
    }

    func heartbeatCommands() -> [[String]] {
        let c = configuration
        let fields: [(String, String)] = [
            ("id", c.instanceID.rawValue), ("hostname", c.hostname), ("pid", String(c.pid)), ("version", c.version),
            ("listen", c.listen), ("started_at", String(startedAt.timeIntervalSince1970)),
            ("last_seen", String(Date().timeIntervalSince1970)), ("in_flight", String(inFlight)),
        ]
        return [
            ["HSET", keys.heartbeat] + fields.flatMap { [$0.0, $0.1] },
            ["EXPIRE", keys.heartbeat, String(c.ttls.heartbeat)],
            ["SADD", keys.instances, c.instanceID.rawValue],
            ["EXPIRE", keys.instances, String(max(c.ttls.endpoints, c.ttls.heartbeat))],
        ]
    }

    /// Last flush, then removes this instance from the cluster at once; waits
    /// (bounded by the connection's I/O timeout) until Redis has it all.
    func deregister() async {
        guard let redis else { return }
        // A daemon stopped right after start must not lose what it counted:
        // give the first connect its chance (bounded by the connect timeout).
        let deadline = ContinuousClock.now + .seconds(5)
        while redis.currentStatus.state == .connecting && ContinuousClock.now < deadline {
            // Not Task.sleep: after cancellation it returns at once and this would spin.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { continuation.resume() }
            }
        }
        if redis.currentStatus.state == .connected {
            await flush()
            redis.enqueue(contentsOf: [
                ["DEL", keys.heartbeat, keys.active], ["SREM", keys.instances, configuration.instanceID.rawValue],
            ])
            _ = try? await redis.command(["PING"])
        }
        await redis.shutdown()
    }
}

extension MonitorState {
    /// Takes what Redis has not been told yet and marks it told.
    mutating func takeFlushBatch() -> FlushBatch {
        var batch = FlushBatch()
        batch.reset = pending.reset
        batch.ended = pending.ended
        batch.janitor = Array(pending.janitor)
        batch.completed = Array(completed.suffix(min(pending.completed, completed.count)))
        batch.errors = Array(errors.suffix(min(pending.errors, errors.count)))
        pending = PendingWrites()
        let through = persistedThrough
        batch.started = active.values.filter { $0.token > through }.sorted { $0.token < $1.token }
        persistedThrough = nextToken
        for (op, stats) in ops {
            let growth = stats.growth(since: persistedOps[op] ?? OpStats())
            if growth != OpStats() { batch.opDeltas[op] = growth }
        }
        persistedOps = ops
        return batch
    }
}
