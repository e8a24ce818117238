/// The pool as `monitor.pool` and `monitor.health` show it. The Monitor is
/// handed snapshots; it never reaches into the pool.
public struct PoolSnapshot: Sendable {
    /// One engine.
    public struct Row: Sendable, Equatable {
        /// Whether the engine takes requests.
        public enum State: String, Sendable {
            case starting
            case ready
            /// Retired or killed: closes when its last request ends.
            case retiring
        }

        public var tier: PoolTier
        public var signature: EngineSignature
        public var kind: String
        public var state: State
        public var age: Duration
        public var idle: Duration
        /// Requests served (uses).
        public var hits: Int
        public var inFlight: Int
        /// What the engine reports holding (`PooledEngine.memoryBytes()`); 0 while starting.
        public var memoryBytes: Int
        /// Whether `pool.kill` accepts it (started, live, and not permanent).
        public var killable: Bool
    }

    public var rows: [Row]

    /// Live engines per tier (starting and retiring ones not counted).
    public var counts: [PoolTier: Int] {
        var counts = Dictionary(uniqueKeysWithValues: PoolTier.allCases.map { ($0, 0) })
        for row in rows where row.state == .ready { counts[row.tier, default: 0] += 1 }
        return counts
    }

    /// The sum of every engine's memory.
    public var memoryBytes: Int { rows.reduce(0) { $0 + $1.memoryBytes } }
}

extension EnginePool {
    /// One row per engine, starting, live or retiring, sorted by tier then signature.
    public func snapshot() async -> PoolSnapshot {
        let gathered: [(PoolSnapshot.Row, (any PooledEngine)?)] = withState { state, now in
            let live = state.live.values.map { entry in
                (Self.row(entry, state: entry.engine == nil ? .starting : .ready, now: now), entry.engine)
            }
            let retiring = state.retiring.values.map { (Self.row($0, state: .retiring, now: now), $0.engine) }
            return live + retiring
        }
        var rows: [PoolSnapshot.Row] = []
        rows.reserveCapacity(gathered.count)
        for (row, engine) in gathered {
            var row = row
            if let engine { row.memoryBytes = await engine.memoryBytes() }
            rows.append(row)
        }
        let order = Dictionary(uniqueKeysWithValues: PoolTier.allCases.enumerated().map { ($1, $0) })
        rows.sort { (order[$0.tier]!, $0.signature.hex) < (order[$1.tier]!, $1.signature.hex) }
        return PoolSnapshot(rows: rows)
    }

    private static func row(_ entry: PoolEntry<C.Instant>, state: PoolSnapshot.Row.State, now: C.Instant) -> PoolSnapshot.Row {
        PoolSnapshot.Row(
            tier: entry.tier, signature: entry.signature, kind: entry.kind, state: state,
            age: entry.createdAt.duration(to: now), idle: entry.idle(now: now), hits: entry.uses, inFlight: entry.inFlight,
            memoryBytes: 0, killable: state == .ready && entry.tier != .permanent
        )
    }
}
