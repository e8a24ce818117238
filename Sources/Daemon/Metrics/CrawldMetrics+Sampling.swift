import Jobs
import Monitor
import Pool
import Prometheus
import Redis
import Scripting

/// What `/metrics` reads at each scrape, besides the counters.
struct MetricsSources: Sendable {
    let monitor: Monitor
    let pool: EnginePool<ContinuousClock>
    let jobs: JobManager
    let redis: RedisConnection?
    let scripts: ScriptRegistry
}

extension CrawldMetrics {
    /// The engine kinds the pool runs: every tier × kind series is set at
    /// each scrape, to 0 when none is there, so an emptied tier reads 0
    /// instead of its last value.
    static let engineKinds = ["http", "browser"]

    /// Sets every level gauge from the daemon's state, then encodes the
    /// registry in Prometheus's text format.
    func exposition(from sources: MetricsSources) async -> [UInt8] {
        await samplePool(sources.pool)
        await sampleJobs(sources.jobs)
        if let redis = sources.redis {
            let status = redis.currentStatus
            gauge("redis_up", "", "1 while the Redis link is connected, else 0.").set(Int64(status.state == .connected ? 1 : 0))
            gauge("redis_queue_depth", "", "Writes waiting for the Redis link.").set(Int64(status.queueDepth))
        }
        gauge("scripts_generation", "", "The script generation now live (1 at start, +1 per accepted reload).").set(Int64(sources.scripts.generation))
        gauge("requests_in_flight", "", "Requests started and not yet answered.").set(Int64(sources.monitor.inFlight))
        return registry.emitToBuffer()
    }

    private func samplePool(_ pool: EnginePool<ContinuousClock>) async {
        let snapshot = await pool.snapshot()
        var browserBytes = 0
        for tier in PoolTier.allCases {
            for kind in Self.engineKinds {
                let rows = snapshot.rows.filter { $0.tier == tier && $0.kind == kind }
                let labels = [("tier", tier.rawValue), ("kind", kind)]
                let bytes = rows.reduce(0) { $0 + $1.memoryBytes }
                gauge("pool_engines", "", "Engines in the pool by tier and kind.", labels).set(Int64(rows.count))
                gauge("pool_engine_memory", "bytes", "Memory the pool's engines hold, by tier and kind (PSS for browsers).", labels).set(Int64(bytes))
                if kind == "browser" { browserBytes += bytes }
            }
        }
        gauge("browser_pss", "bytes", "Proportional set size of every pooled browser's process group.").set(Int64(browserBytes))
    }

    private func sampleJobs(_ jobs: JobManager) async {
        let all = (try? await jobs.list()) ?? []
        for state in JobState.allCases {
            gauge("jobs", "", "Jobs this instance remembers, by state.", [("state", state.rawValue)]).set(Int64(all.filter { $0.state == state }.count))
        }
        let pages: [(String, KeyPath<JobProgress, Int>)] = [("succeeded", \.succeeded), ("failed", \.failed), ("skipped", \.skipped)]
        for (state, field) in pages {
            gauge("job_pages", "", "Pages of the jobs this instance remembers, by outcome.", [("state", state)]).set(Int64(all.reduce(0) { $0 + $1[keyPath: field] }))
        }
        let rate = all.filter { $0.state == .running && $0.runtimeSeconds > 0 }.reduce(0.0) { $0 + Double($1.crawled) / $1.runtimeSeconds }
        gauge("job_pages_per_second", "", "Pages per second over the running jobs, each averaged since it started.").set(rate)
    }

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor(name, unit, help), labels: labels)
    }
}
