import Foundation
import JSON
import Logging
import Redis
import Testing
import TestSupport

@testable import Jobs

/// Checkpoints in a real redis-server: round trip, index, fencing, expiry of finished jobs, Redis gone.
@Suite(.serialized) struct RedisCheckpointStoreTests {
    static func connect(_ server: RedisServer) throws -> RedisConnection {
        var configuration = try RedisConfiguration(url: server.url)
        configuration.circuitBreakerThreshold = 1
        let redis = RedisConnection(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        redis.start()
        return redis
    }

    /// A queued checkpoint of a new job, as `job.submit` stores it.
    static func checkpoint(_ dir: TemporaryDirectory, job: String, output: String = "r.jsonl") async throws -> JobCheckpoint {
        let environment = try makeEnvironment(dir, fetcher: HTTPTestFetcher())
        let spec = try JobSpec(parameters: ["urls": ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"], "output": .string(output), "overwrite": true])
        return await (try JobRunner(id: job, spec: spec, environment: environment)).checkpoint(state: .queued)
    }

    @Test func savesLoadsListsAndRemoves() async throws {
        let server = try RedisServer()
        try server.start()
        let redis = try Self.connect(server)
        let dir = TemporaryDirectory()
        let store = RedisCheckpointStore(redis: redis, instance: "a")
        var first = try await Self.checkpoint(dir, job: "j-00000a")
        first.savedAt = Date(timeIntervalSince1970: 1_800_000_000) // whole seconds: the text form keeps milliseconds
        try await store.save(first)
        #expect(try await store.load("j-00000a") == first)
        #expect(try server.cli("HGET", "crawld:job:j-00000a", "state") == "queued")
        #expect(try server.cli("TTL", "crawld:job:j-00000a") == "-1", "an unfinished job never expires")

        first.state = .completed
        first.progress.state = .completed
        first.progress.crawled = 2
        try await store.save(first)
        let ttl = try #require(Int(try server.cli("TTL", "crawld:job:j-00000a")))
        #expect(ttl > 0 && ttl <= 7 * 86400, "a finished job expires")
        let summary = try #require(try await store.summary("j-00000a"))
        #expect(summary.progress.state == .completed && summary.progress.crawled == 2 && summary.owner == "a")

        let second = try await Self.checkpoint(dir, job: "j-00000b", output: "s.jsonl")
        try await store.save(second)
        #expect(try await store.all().map(\.job) == ["j-00000a", "j-00000b"])
        _ = try server.cli("DEL", "crawld:job:j-00000b")
        #expect(try await store.summaries().map(\.progress.job) == ["j-00000a"], "an expired job leaves the index")
        #expect(try server.cli("SISMEMBER", "crawld:jobs", "j-00000b") == "0")
        try await store.remove("j-00000a")
        #expect(try await store.load("j-00000a") == nil)
        #expect(try await store.all().isEmpty)
        await #expect(throws: JobError.self) { try await store.load("../etc") }
        await redis.shutdown()
    }

    @Test func aJobTakenOverRefusesItsFormerOwner() async throws {
        let server = try RedisServer()
        try server.start()
        let redis = try Self.connect(server)
        let dir = TemporaryDirectory()
        let a = RedisCheckpointStore(redis: redis, instance: "a")
        let b = RedisCheckpointStore(redis: redis, instance: "b")
        let checkpoint = try await Self.checkpoint(dir, job: "j-0000c1")
        try await a.save(checkpoint, owner: "")
        try await a.save(checkpoint)
        await #expect(throws: JobError(.movedAway, "job j-0000c1 is now run by instance 'a'")) { try await b.save(checkpoint) }
        try await b.takeOver("j-0000c1")
        try await b.save(checkpoint)
        await #expect(throws: JobError(.movedAway, "job j-0000c1 is now run by instance 'b'")) { try await a.save(checkpoint) }
        #expect(try await a.summary("j-0000c1")?.owner == "b")
        await redis.shutdown()
    }

    @Test func redisGoneFailsTheSaveClearly() async throws {
        let server = try RedisServer()
        try server.start()
        let redis = try Self.connect(server)
        let dir = TemporaryDirectory()
        let store = RedisCheckpointStore(redis: redis, instance: "a")
        let checkpoint = try await Self.checkpoint(dir, job: "j-0000d1")
        try await store.save(checkpoint)
        server.kill()
        await #expect(throws: RedisError.self) { try await store.save(checkpoint) }
        await #expect(throws: RedisError.self) { try await store.load("j-0000d1") }
        await redis.shutdown()
    }
}
