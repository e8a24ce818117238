import Foundation
import JSON
import Redis
import Testing
import TestSupport

@testable import Jobs

/// Managers sharing one real redis-server: jobs go through the stream, any
/// manager sees them, an interrupted job resumes from its own pending entry,
/// and a dead instance's job is claimed; the output holds every page once.
@Suite(.serialized) struct JobClusterTests {
    /// A test site, a redis-server and a connection to it, an output dir, and the site's reference BFS.
    struct Fixture {
        let site: JobSiteServer
        let server: RedisServer
        let redis: RedisConnection
        let dir = TemporaryDirectory()
        let seed: String
        let expected: [(url: String, depth: Int)]

        init(pages: Int, latencyMs: Int = 0) async throws {
            site = try JobSiteServer(pages: pages, latencyMs: latencyMs)
            server = try RedisServer()
            try server.start()
            redis = try RedisCheckpointStoreTests.connect(server)
            seed = site.base + "/p/0.html"
            expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        }
    }

    func manager(_ dir: TemporaryDirectory, _ redis: RedisConnection, _ instance: String, live: Set<String>) throws -> JobManager {
        let store = RedisCheckpointStore(redis: redis, instance: instance)
        var cluster = JobCluster(queue: JobQueue(store: store, claimIdle: .milliseconds(50))) { live }
        cluster.pollInterval = .milliseconds(20)
        cluster.claimInterval = .milliseconds(50)
        let environment = try makeEnvironment(dir, fetcher: HTTPTestFetcher(), checkpointEveryPages: 4, store: store)
        return JobManager(environment: environment, cluster: cluster)
    }

    /// Starts `manager` and a job on the site from `seed`, and returns once it has crawled `pages` pages.
    func startJob(_ manager: JobManager, seed: String, pages: Int = 10) async throws -> (job: String, running: Task<Void, Never>) {
        let running = Task { await manager.run() }
        let job = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 3, "output": "r.jsonl"]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).crawled >= pages })
        return (job, running)
    }

    /// Runs `manager` until `job` completes (the job may not run here at first: Redis may still be away), then drains it.
    func runToCompletion(_ manager: JobManager, _ job: String) async throws {
        let running = Task { await manager.run() }
        #expect(try await pollUntil(seconds: 120) { (try? await manager.status(job).state) == .completed })
        await manager.drain()
        await running.value
    }

    func expectEveryPageOnce(_ dir: TemporaryDirectory, _ expected: [(url: String, depth: Int)]) throws {
        let urls = try readRecords(dir, "r.jsonl").compactMap { $0["url"]?.stringValue }
        #expect(urls.count == expected.count, "duplicates or missing pages")
        #expect(Set(urls) == Set(expected.map(\.url)))
    }

    @Test func aSubmittedJobRunsLeavesTheQueueAndEveryInstanceSeesIt() async throws {
        let f = try await Fixture(pages: 12)
        let (server, redis, dir, seed, expected) = (f.server, f.redis, f.dir, f.seed, f.expected)
        let a = try manager(dir, redis, "a", live: ["a", "b"])
        let b = try manager(dir, redis, "b", live: ["a", "b"])
        let running = Task { await a.run() }
        let job = try await b.submit(try JobSpec(parameters: ["urls": [.string(seed)], "output": "r.jsonl"]))
        #expect(try await b.status(job).state == .queued)
        let events = await collect(try await b.watch(job))
        guard case .summary(let summary)? = events.last else {
            Issue.record("no summary: \(events)")
            return
        }
        #expect(summary.state == .completed)
        #expect(summary.instance == "a", "b does not poll, so a ran it")
        try expectEveryPageOnce(dir, expected)
        #expect(try await b.status(job).crawled == expected.count)
        #expect(try await b.list().map(\.job) == [job])
        #expect(try await b.results(job, offset: 0, limit: 1000).total == expected.count)
        await #expect(throws: JobError.self) {
            try await b.submit(try JobSpec(parameters: ["urls": [.string(seed)], "output": "r.jsonl"]))
        }
        #expect(try await pollUntil(seconds: 120) { try server.cli("XLEN", "crawld:jobs:queue") == "0" })
        #expect(try server.cli("XPENDING", "crawld:jobs:queue", "cluster").hasPrefix("0"))
        await a.drain()
        await running.value
        await redis.shutdown()
    }

    @Test func anInterruptedJobResumesFromItsOwnPendingEntry() async throws {
        let f = try await Fixture(pages: 60, latencyMs: 30)
        let (redis, dir, seed, expected) = (f.redis, f.dir, f.seed, f.expected)
        let first = try manager(dir, redis, "a", live: ["a"])
        let (job, running) = try await startJob(first, seed: seed)
        await first.drain()
        await running.value
        let stopped = try await first.status(job)
        #expect(stopped.state == .interrupted && stopped.crawled < expected.count)

        try await runToCompletion(try manager(dir, redis, "a", live: ["a"]), job)
        try expectEveryPageOnce(dir, expected)
        await redis.shutdown()
    }

    @Test func aDeadInstancesJobIsClaimedAndFinishedElsewhere() async throws {
        let f = try await Fixture(pages: 60, latencyMs: 30)
        let (server, redis, dir, seed, expected) = (f.server, f.redis, f.dir, f.seed, f.expected)
        let a = try manager(dir, redis, "a", live: ["a"])
        let (job, crashed) = try await startJob(a, seed: seed)
        crashed.cancel()
        await crashed.value
        #expect(try await a.status(job).state == .interrupted)

        // b sees no heartbeat of a, so it claims the entry a left pending.
        let b = try manager(dir, redis, "b", live: ["b"])
        try await runToCompletion(b, job)
        #expect(try await b.status(job).instance == "b")
        try expectEveryPageOnce(dir, expected)
        #expect(try server.cli("HGET", "crawld:job:\(job)", "owner") == "b")
        await redis.shutdown()
    }
}

/// Redis away at checkpoints: the job crawls on, and a resume from the last
/// checkpoint Redis kept writes every page once.
@Suite(.serialized) struct JobRedisDownTests {
    @Test func redisDownAtCheckpointsLosesNoPage() async throws {
        let f = try await JobClusterTests.Fixture(pages: 60, latencyMs: 30)
        let (server, redis, dir, seed, expected) = (f.server, f.redis, f.dir, f.seed, f.expected)
        let cluster = JobClusterTests()
        let first = try cluster.manager(dir, redis, "a", live: ["a"])
        let (job, running) = try await cluster.startJob(first, seed: seed, pages: 8)
        server.kill()
        let atKill = try await first.status(job).crawled
        #expect(try await pollUntil(seconds: 120) { try await first.status(job).crawled >= atKill + 12 })
        await first.drain()
        await running.value
        #expect(try await first.status(job).state == .interrupted)

        try server.start()
        #expect(try server.cli("HGET", "crawld:job:\(job)", "state") == "running", "the interrupted checkpoint never reached Redis")
        let stored = try #require(Int(try server.cli("HGET", "crawld:job:\(job)", "records")))
        #expect(stored < atKill + 12, "Redis holds an older checkpoint than the output")
        try await cluster.runToCompletion(try cluster.manager(dir, redis, "a", live: ["a"]), job)
        try cluster.expectEveryPageOnce(dir, expected)
        await redis.shutdown()
    }
}
