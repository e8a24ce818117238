import JSON
import TestSupport
import Testing

@testable import Monitor

/// What clients send is kept cut: request ids at 128 bytes, error messages
/// at 1 KiB, marked `…[cut]`, in memory and in Redis (issue 18 item 7).
@Suite(.serialized) struct MonitorTruncationTests {
    private func recordHugeRequests(_ monitor: Monitor) {
        let hugeID = String(repeating: "i", count: 1_000_000)
        let hugeMessage = "refused: " + String(repeating: "m", count: 1_000_000)
        for n in 0..<100 {
            let token = monitor.recordStart(op: "crawl", requestID: "\(n)-" + hugeID, url: "http://127.0.0.1/")
            monitor.recordEnd(token, outcome: MonitorOutcome(success: false, errorCode: "bad_request", errorMessage: hugeMessage))
        }
    }

    @Test func hundredMegabyteIDsMakeASmallRequestsAnswer() async throws {
        let running = try RunningMonitor(id: "solo", redisURL: nil)
        recordHugeRequests(running.monitor)
        let answer = JSONValue.object(try running.monitor.requests(limit: 100)).encodedString()
        #expect(answer.utf8.count < 200_000, "monitor.requests answer is \(answer.utf8.count) bytes")
        let first = try #require(try running.monitor.requests(limit: 1).array("completed")?.first?.objectValue)
        let id = try #require(first["request"]?.stringValue)
        #expect(id.utf8.count <= Monitor.maximumRequestIDBytes)
        #expect(id.hasSuffix("…[cut]"))
        let message = try #require(first["error"]?.stringValue)
        #expect(message.utf8.count <= Monitor.maximumErrorMessageBytes)
        #expect(message.hasPrefix("refused: ") && message.hasSuffix("…[cut]"))
        await running.stop()
    }

    @Test func redisKeepsTheCutValues() async throws {
        let server = try RedisServer()
        try server.start()
        let running = try RunningMonitor(id: "node-cut", redisURL: server.url)
        recordHugeRequests(running.monitor)
        #expect(await pollUntil { (try? server.cli("LLEN", "crawld:node-cut:completed")) == "100" })
        let stored = try server.cli("LINDEX", "crawld:node-cut:completed", "0")
        #expect(stored.utf8.count < 4096, "a completed entry in Redis is \(stored.utf8.count) bytes")
        #expect(stored.contains("…[cut]"))
        let error = try server.cli("LINDEX", "crawld:node-cut:errors", "0")
        #expect(error.utf8.count < 4096)
        await running.stop()
    }

    @Test func shortValuesAndMultibyteCutsStayWhole() {
        #expect("abc".cut(toBytes: 128) == "abc")
        let accented = String(repeating: "é", count: 100) // 200 bytes
        let cut = accented.cut(toBytes: 128)
        #expect(cut.utf8.count <= 128)
        #expect(cut.hasSuffix("…[cut]"))
        #expect(cut.dropLast("…[cut]".count).allSatisfy { $0 == "é" })
    }
}
