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
    func manager(_ dir: TemporaryDirectory, _ redis: RedisConnection, _ instance: String, live: Set<String>) throws -> JobManager {
        let store = RedisCheckpointStore(redis: redis, instance: instance)
        var cluster = JobCluster(queue: JobQueue(store: store, claimIdle: .milliseconds(50))) { live }
        cluster.pollInterval = .milliseconds(20)
        cluster.claimInterval = .milliseconds(50)
        let environment = try makeEnvironment(dir, fetcher: HTTPTestFetcher(), checkpointEveryPages: 4, store: store)
        return JobManager(environment: environment, cluster: cluster)
    }

    func expectEveryPageOnce(_ dir: TemporaryDirectory, _ expected: [(url: String, depth: Int)]) throws {
        let urls = try readRecords(dir, "r.jsonl").compactMap { $0["url"]?.stringValue }
        #expect(urls.count == expected.count, "duplicates or missing pages")
        #expect(Set(urls) == Set(expected.map(\.url)))
    }

    @Test func aSubmittedJobRunsLeavesTheQueueAndEveryInstanceSeesIt() async throws {
        let site = try JobSiteServer(pages: 12)
        let server = try RedisServer()
        try server.start()
        let redis = try RedisCheckpointStoreTests.connect(server)
        let dir = TemporaryDirectory()
        let seed = site.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
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
        try await waitUntil { try server.cli("XLEN", "crawld:jobs:queue") == "0" }
        #expect(try server.cli("XPENDING", "crawld:jobs:queue", "cluster").hasPrefix("0"))
        await a.drain()
        await running.value
        await redis.shutdown()
    }

    @Test func anInterruptedJobResumesFromItsOwnPendingEntry() async throws {
        let site = try JobSiteServer(pages: 60, latencyMs: 30)
        let server = try RedisServer()
        try server.start()
        let redis = try RedisCheckpointStoreTests.connect(server)
        let dir = TemporaryDirectory()
        let seed = site.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let first = try manager(dir, redis, "a", live: ["a"])
        let running = Task { await first.run() }
        let job = try await first.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 3, "output": "r.jsonl"]))
        try await waitUntil { try await first.status(job).crawled >= 10 }
        await first.drain()
        await running.value
        let stopped = try await first.status(job)
        #expect(stopped.state == .interrupted && stopped.crawled < expected.count)

        let second = try manager(dir, redis, "a", live: ["a"])
        let again = Task { await second.run() }
        try await waitUntil { try await second.status(job).state == .completed }
        try expectEveryPageOnce(dir, expected)
        await second.drain()
        await again.value
        await redis.shutdown()
    }

    @Test func aDeadInstancesJobIsClaimedAndFinishedElsewhere() async throws {
        let site = try JobSiteServer(pages: 60, latencyMs: 30)
        let server = try RedisServer()
        try server.start()
        let redis = try RedisCheckpointStoreTests.connect(server)
        let dir = TemporaryDirectory()
        let seed = site.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let a = try manager(dir, redis, "a", live: ["a"])
        let crashed = Task { await a.run() }
        let job = try await a.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 3, "output": "r.jsonl"]))
        try await waitUntil { try await a.status(job).crawled >= 10 }
        crashed.cancel()
        await crashed.value
        #expect(try await a.status(job).state == .interrupted)

        // b sees no heartbeat of a, so it claims the entry a left pending.
        let b = try manager(dir, redis, "b", live: ["b"])
        let running = Task { await b.run() }
        try await waitUntil { try await b.status(job).state == .completed }
        #expect(try await b.status(job).instance == "b")
        try expectEveryPageOnce(dir, expected)
        #expect(try server.cli("HGET", "crawld:job:\(job)", "owner") == "b")
        await b.drain()
        await running.value
        await redis.shutdown()
    }
}

/// Redis away at checkpoints: the job crawls on, and a resume from the last
/// checkpoint Redis kept writes every page once.
@Suite(.serialized) struct JobRedisDownTests {
    @Test func redisDownAtCheckpointsLosesNoPage() async throws {
        let site = try JobSiteServer(pages: 60, latencyMs: 30)
        let server = try RedisServer()
        try server.start()
        let redis = try RedisCheckpointStoreTests.connect(server)
        let dir = TemporaryDirectory()
        let seed = site.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let cluster = JobClusterTests()
        let first = try cluster.manager(dir, redis, "a", live: ["a"])
        let running = Task { await first.run() }
        let job = try await first.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 3, "output": "r.jsonl"]))
        try await waitUntil { try await first.status(job).crawled >= 8 }
        server.kill()
        let atKill = try await first.status(job).crawled
        try await waitUntil { try await first.status(job).crawled >= atKill + 12 }
        await first.drain()
        await running.value
        #expect(try await first.status(job).state == .interrupted)

        try server.start()
        #expect(try server.cli("HGET", "crawld:job:\(job)", "state") == "running", "the interrupted checkpoint never reached Redis")
        let stored = try #require(Int(try server.cli("HGET", "crawld:job:\(job)", "records")))
        #expect(stored < atKill + 12, "Redis holds an older checkpoint than the output")
        let second = try cluster.manager(dir, redis, "a", live: ["a"])
        let again = Task { await second.run() }
        // Until the connection's next probe finds Redis back, a job not running here cannot be read.
        try await waitUntil { (try? await second.status(job).state) == .completed }
        try cluster.expectEveryPageOnce(dir, expected)
        await second.drain()
        await again.value
        await redis.shutdown()
    }
}
