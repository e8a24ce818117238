import Foundation
import JSON
import Redis
import Testing
import TestSupport

@testable import Jobs

/// `StreamSink` against a real redis-server: ids from the records' sequence,
/// a repeated publish (a resume, a second instance) adding nothing, and a
/// stream another writer moved past refusing to go on.
@Suite struct StreamSinkTests {
    /// A JSONL file of `count` records `{"n": i}` and its length.
    private func file(_ dir: TemporaryDirectory, count: Int) throws -> (path: String, length: UInt64) {
        let output = try OutputPath("r.jsonl", in: dir.path)
        let writer = try JSONLWriter.create(at: output, overwrite: true)
        for n in 1...count { try writer.append(.object(["n": .int(Int64(n))])) }
        return (writer.path, writer.offset)
    }

    /// A fresh redis-server and a connection to it.
    private func startRedis() throws -> (RedisServer, RedisConnection) {
        let server = try RedisServer()
        try server.start()
        return (server, try RedisCheckpointStoreTests.connect(server))
    }

    private func ids(_ server: RedisServer, _ stream: String) throws -> [String] {
        try server.cli("XRANGE", stream, "-", "+").split(separator: "\n").enumerated().filter { $0.offset % 5 == 0 }.map { String($0.element) }
    }

    @Test func publishesEachRecordOnceWithIdsFromItsSequence() async throws {
        let (server, redis) = try startRedis()
        let dir = TemporaryDirectory()
        let (path, length) = try file(dir, count: 5)
        let sink = StreamSink(redis: redis, spec: StreamSinkSpec(stream: "out", maxLength: nil), job: "j-1")
        // A checkpoint covering three records, then all five.
        let three = try JSONLReader.records(at: path, length: length, offset: 3, limit: 0).next.byte
        #expect(try await sink.publish(path: path, length: three).published == 3)
        #expect(try await sink.publish(path: path, length: length).published == 5)
        let first = try ids(server, "out")
        let base = try #require(first.first?.split(separator: "-").first)
        #expect(first == (1...5).map { "\(base)-\($0)" })
        #expect(try server.cli("XRANGE", "out", "-", "+", "COUNT", "1").hasSuffix("{\"n\":1}"))

        // A new process (a resume, or an instance that took the job over) publishes the same file again.
        let again = StreamSink(redis: redis, spec: StreamSinkSpec(stream: "out", maxLength: nil), job: "j-1")
        #expect(try await again.publish(path: path, length: length).published == 5)
        #expect(try ids(server, "out") == first, "nothing twice")
    }

    @Test func aStreamAnotherWriterMovedPastIsAConflict() async throws {
        let (server, redis) = try startRedis()
        let dir = TemporaryDirectory()
        let (path, length) = try file(dir, count: 2)
        let sink = StreamSink(redis: redis, spec: StreamSinkSpec(stream: "out", maxLength: 1000), job: "j-1")
        let one = try JSONLReader.records(at: path, length: length, offset: 1, limit: 0).next.byte
        #expect(try await sink.publish(path: path, length: one).published == 1)
        _ = try server.cli("XADD", "out", "99999999999999-1", "other", "writer")
        await #expect(throws: StreamSink.Failure.self) { try await sink.publish(path: path, length: length) }
        #expect(await sink.status.error?.contains("99999999999999-1") == true)
        #expect(try server.cli("XLEN", "out") == "2", "the record is not appended where it would break the order")
    }

    @Test func maxlenTrimsTheStream() async throws {
        let (server, redis) = try startRedis()
        let dir = TemporaryDirectory()
        let (path, length) = try file(dir, count: 1000)
        let sink = StreamSink(redis: redis, spec: StreamSinkSpec(stream: "out", maxLength: 10), job: "j-1")
        #expect(try await sink.publish(path: path, length: length).published == 1000)
        let kept = try #require(Int(try server.cli("XLEN", "out")))
        #expect(kept >= 10 && kept < 1000, "MAXLEN ~ 10 trims (approximately)")
    }
}
