import JSON
import Pool
import Protocol

/// `pool.cleanup`: the janitor now, with the shortest TTLs; what it closed.
struct PoolCleanupOp: Op {
    let name = "pool.cleanup"
    let parameterKeys: Set<String> = []
    let pool: EnginePool<ContinuousClock>

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let report = await pool.cleanup()
        return ["closed": .array(report.events.map(PoolEventJSON.encode))]
    }
}

/// `pool.kill {sig}`: closes that engine (not the permanent one).
struct PoolKillOp: Op {
    let name = "pool.kill"
    let parameterKeys: Set<String> = ["sig"]
    let pool: EnginePool<ContinuousClock>

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let event = try await pool.kill(try request.parameters.requiredString("sig"))
        return PoolEventJSON.encode(event).objectValue ?? [:]
    }
}

/// `pool.restart {sig | "permanent"}`: replaces that engine.
struct PoolRestartOp: Op {
    let name = "pool.restart"
    let parameterKeys: Set<String> = ["sig"]
    let pool: EnginePool<ContinuousClock>

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let event = try await pool.restart(EngineSelector(try request.parameters.requiredString("sig")))
        return PoolEventJSON.encode(event).objectValue ?? [:]
    }
}

/// `monitor.pool`: one row per engine.
struct MonitorPoolOp: Op {
    let name = "monitor.pool"
    let parameterKeys: Set<String> = []
    let pool: EnginePool<ContinuousClock>

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let snapshot = await pool.snapshot()
        let engines: [JSONValue] = snapshot.rows.map { row in
            [
                "tier": .string(row.tier.rawValue), "sig": .string(row.signature.short), "engine": .string(row.kind),
                "state": .string(row.state.rawValue), "age_s": .double(row.age.seconds), "idle_s": .double(row.idle.seconds),
                "memory_bytes": .int(Int64(row.memoryBytes)), "hits": .int(Int64(row.hits)),
                "in_flight": .int(Int64(row.inFlight)), "killable": .bool(row.killable),
            ]
        }
        return ["engines": .array(engines), "memory_bytes": .int(Int64(snapshot.memoryBytes))]
    }
}

/// A pool event as the wire shows it.
enum PoolEventJSON {
    static func encode(_ event: PoolEvent) -> JSONValue {
        var object: JSONObject = [
            "event": .string(event.kind.rawValue), "sig": .string(event.signature.short), "engine": .string(event.engineKind),
            "tier": .string(event.tier.rawValue), "idle_s": .double(event.idle.seconds),
        ]
        if let ttl = event.ttl { object["ttl_s"] = .double(ttl.seconds) }
        if let detail = event.detail { object["detail"] = .string(detail) }
        return .object(object)
    }
}

extension Duration {
    /// Seconds as a Double, rounded to milliseconds, for answers.
    var seconds: Double {
        let (whole, attoseconds) = components
        return ((Double(whole) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
    }
}
