import Logging
import TestSupport
import Testing

@testable import Redis

@Suite(.serialized) struct RedisConnectionTests {
    private func connect(_ url: String, tune: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisConnection {
        var configuration = try RedisConfiguration(url: url)
        tune(&configuration)
        let connection = RedisConnection(configuration: configuration, logger: Logger(label: "test"))
        connection.start()
        return connection
    }

    @Test func readsAndWritesRoundTrip() async throws {
        let server = try RedisServer()
        try server.start()
        let redis = try connect(server.url)
        _ = try await redis.command(["SET", "greeting", "hällo\u{0}world"])
        #expect(try await redis.command(["GET", "greeting"]) == .string("hällo\u{0}world"))
        redis.enqueue(contentsOf: [["HSET", "h", "a", "1"], ["HINCRBY", "h", "a", "41"], ["SADD", "s", "x", "y"]])
        // A read goes after the writes queued before it, in the same pipeline.
        #expect(try await redis.command(["HGETALL", "h"]).fieldValues == ["a": "42"])
        #expect(try await redis.command(["SMEMBERS", "s"]).array?.count == 2)
        #expect(try await redis.command(["GET", "missing"]) == .null)
        await #expect(throws: RedisError.self) { try await redis.command(["NOSUCHCOMMAND"]) }
        #expect(redis.currentStatus.state == .connected)
        await redis.shutdown()
        #expect(redis.currentStatus.state == .stopped)
    }

    @Test func authAndSelect() async throws {
        let server = try RedisServer()
        try server.start()
        _ = try server.cli("CONFIG", "SET", "requirepass", "pw1")
        let redis = try connect("redis://:pw1@127.0.0.1:\(server.port)/3")
        _ = try await redis.command(["SET", "k", "v"])
        await redis.shutdown()
        #expect(try server.cli("-a", "pw1", "--no-auth-warning", "-n", "3", "GET", "k") == "v")
        #expect(try server.cli("-a", "pw1", "--no-auth-warning", "-n", "0", "EXISTS", "k") == "0")

        let wrong = try connect("redis://:nope@127.0.0.1:\(server.port)/0")
        await #expect(throws: RedisError.self) { try await wrong.command(["PING"]) }
        #expect(wrong.currentStatus.lastError?.contains("setup") == true)
        await wrong.shutdown()
    }

    @Test func batchesWritesIntoFewRoundTrips() async throws {
        let server = try RedisServer()
        try server.start()
        let redis = try connect(server.url)
        for i in 0..<1000 { redis.enqueue(["RPUSH", "list", String(i)]) }
        #expect(try await redis.command(["LLEN", "list"]) == .integer(1000))
        let status = redis.currentStatus
        #expect(status.sentWrites == 1000)
        #expect(status.roundTrips <= 1000 / 256 + 2)
        await redis.shutdown()
    }

    @Test func fullQueueDropsOldest() async throws {
        let port = try RedisServer.freePort()
        let redis = try connect("redis://127.0.0.1:\(port)") { $0.writeQueueCapacity = 10 }
        for i in 0..<15 { redis.enqueue(["RPUSH", "l", String(i)]) }
        let status = redis.currentStatus
        #expect(status.queueDepth == 10)
        #expect(status.droppedWrites == 5)
        await redis.shutdown()
    }

    @Test func survivesRedisDeathAndDeliversBacklog() async throws {
        let server = try RedisServer()
        try server.start()
        let redis = try connect(server.url) { $0.circuitBreakerThreshold = 2 }
        _ = try await redis.command(["PING"])
        server.kill()
        #expect(
            await pollUntil {
                redis.enqueue(["INCR", "probe"])
                return redis.currentStatus.state == .down || redis.currentStatus.state == .circuitOpen
            })
        #expect(await pollUntil { redis.currentStatus.state == .circuitOpen })
        await #expect(throws: RedisError.self) { try await redis.command(["PING"]) }
        for _ in 0..<100 { redis.enqueue(["INCR", "while-down"]) }
        try server.start()
        #expect(await pollUntil { redis.currentStatus.state == .connected })
        #expect(try await redis.command(["GET", "while-down"]) == .string("100"))
        #expect(redis.currentStatus.connectionGeneration >= 2)
        await redis.shutdown()
    }
}
