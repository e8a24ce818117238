// PoolBench: what the pool costs a request.
// (a) acquire + release on a hot signature, one task and 4 tasks at once: p50 / p99.
// (c) a cold creation (new signature, admission reading real memory, a no-op engine start) vs a pool hit.
// Run: cd Benchmarks && swift build -c release && .build/release/PoolBench
import Logging
import Pool

/// An engine that costs nothing to start, so the figures are the pool's own.
final class NullEngine: PooledEngine {
    let kind = "http"
    func start() async throws {}
    func close() async {}
    func isHealthy() async -> Bool { true }
    func memoryBytes() async -> Int { 0 }
}

struct BenchPolicy: PoolPolicy {
    func promoteAfter() async -> Int { 2 }
    func memoryLimitPercent() async -> Double { 100 }
    func janitor(memoryPercent: Double) async -> JanitorSettings {
        JanitorSettings(interval: .seconds(60), coldTTL: .zero, hotTTL: .zero)
    }
    func retirement(kind: String) async -> RetirementSettings { RetirementSettings() }
}

func signature(_ n: Int) -> EngineSignature {
    let hex = String(n, radix: 16)
    return EngineSignature(hex: String(repeating: "0", count: 16 - hex.count) + hex)!
}

/// Nanoseconds of each of `samples`, sorted.
func summary(_ name: String, _ samples: [Duration]) {
    let sorted = samples.map { Double($0.components.attoseconds) / 1e9 + Double($0.components.seconds) * 1e9 }.sorted()
    func percentile(_ p: Double) -> String {
        let ns = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        return ns < 10_000 ? "\(Int(ns)) ns" : "\(Int(ns / 1000)) µs"
    }
    print("\(name): n=\(sorted.count) p50=\(percentile(0.5)) p99=\(percentile(0.99)) p99.9=\(percentile(0.999)) max=\(percentile(1))")
}

let clock = ContinuousClock()
let pool = EnginePool(policy: BenchPolicy(), logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
let make: @Sendable () -> NullEngine = { NullEngine() }

/// Times `count` acquire + release pairs on a hot signature in one task.
func hotLoop(_ count: Int, signature: EngineSignature) async throws -> [Duration] {
    var samples: [Duration] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let start = clock.now
        let lease = try await pool.acquire(signature: signature, kind: "http", make: make)
        lease.release()
        samples.append(start.duration(to: clock.now))
    }
    return samples
}

// Make signature 0 hot (2 uses), then warm up.
for _ in 0..<2 { _ = try await pool.acquire(signature: signature(0), kind: "http", make: make) }
_ = try await hotLoop(20_000, signature: signature(0))

summary("(a) hot acquire+release, 1 task", try await hotLoop(200_000, signature: signature(0)))

let concurrent = try await withThrowingTaskGroup(of: [Duration].self) { group in
    for _ in 0..<4 { group.addTask { try await hotLoop(100_000, signature: signature(0)) } }
    var all: [Duration] = []
    for try await samples in group { all += samples }
    return all
}
summary("(a) hot acquire+release, 4 tasks on one signature", concurrent)

// (c) cold creation vs hit: each creation is a new signature; cleanup closes them in batches.
var creations: [Duration] = []
var hits: [Duration] = []
for batch in 0..<20 {
    for i in 0..<500 {
        let sig = signature(1 + batch * 500 + i)
        let start = clock.now
        let lease = try await pool.acquire(signature: sig, kind: "http", make: make)
        lease.release()
        creations.append(start.duration(to: clock.now))
        let hitStart = clock.now
        let hit = try await pool.acquire(signature: sig, kind: "http", make: make)
        hit.release()
        hits.append(hitStart.duration(to: clock.now))
    }
    await pool.cleanup()
}
summary("(c) cold creation (admission + start + single-flight wait)", creations)
summary("(c) hit on the engine just created (cold tier, asks promote_after)", hits)
