import Foundation
import JSON
import Testing
import TestSupport

/// Many connections sending long lines with no newline (issue 20 item 5):
/// the daemon's memory stays bounded and a fresh `ping` answers meanwhile.
@Suite(.serialized) struct DaemonPartialLineTests {
    /// Opens `connections` connections that each send `bytes` with no
    /// newline, while a fresh connection checks that `ping` still answers.
    private func flood(_ daemon: DaemonProcess, connections: Int, bytes: Int, token: String?) async throws -> [LineClient] {
        var clients: [LineClient] = []
        for _ in 0..<connections { clients.append(try await daemon.connect()) }
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: bytes)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients {
                    // A connection the daemon closes mid-send fails here; that is the point.
                    group.addTask { try? await client.send(raw: line) }
                }
                // Mid-flood: once a quarter of the connections have sent their line, the rest still sending.
                var sent = 0
                while try await group.next() != nil {
                    sent += 1
                    if sent == max(1, connections / 4) { try await expectPingWithinOneSecond(daemon, token: token) }
                }
            }
        } catch {
            for client in clients { await client.close() }
            throw error
        }
        return clients
    }

    @Test func halfAGigabyteOfUnfinishedLinesBeforeAuthStaysBounded() async throws {
        let daemon = try await DaemonAuthTests.start(extra: ["--auth-timeout", "300"])
        defer { Task { await daemon.stop() } }
        let (clients, growth) = try await daemon.peakResidentGrowth {
            try await flood(daemon, connections: 500, bytes: 1_000_000, token: DaemonAuthTests.token)
        }
        #expect(growth < 100_000_000, "500 × 1 MB unfinished lines before auth grew RSS by \(growth / 1_000_000) MB")
        try await expectPingWithinOneSecond(daemon, token: DaemonAuthTests.token)
        for client in clients { await client.close() }
    }

    @Test func unfinishedLinesWithoutTokenStayWithinTheDaemonBudget() async throws {
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", DaemonProtocolTests.scripts, "--redis", "none", "--max-partial-line-bytes", String(16 << 20),
        ])
        defer { Task { await daemon.stop() } }
        let (clients, growth) = try await daemon.peakResidentGrowth { try await flood(daemon, connections: 200, bytes: 1_000_000, token: nil) }
        #expect(growth < 100_000_000, "200 × 1 MB unfinished lines grew RSS by \(growth / 1_000_000) MB")
        try await expectPingWithinOneSecond(daemon, token: nil)
        // The ones closed got a final line saying why.
        var closed = 0
        for client in clients {
            if let line = try? await client.readLine(timeout: .milliseconds(200)), line.contains("line_too_long") { closed += 1 }
        }
        #expect(closed > 0)
        for client in clients { await client.close() }
    }

    @Test func hugeRequestIDsAreRefusedAndTheMonitorStaysSmall() async throws {
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", DaemonProtocolTests.scripts, "--redis", "none", "--max-line-bytes", "2000000",
        ])
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { client in
            let megabyte = String(repeating: "i", count: 1_000_000)
            for n in 0..<100 {
                try await client.send(JSONValue.object(["id": .string("\(n)" + megabyte), "op": "ping"]))
                let line = try #require(try await client.readLine())
                #expect(line.utf8.count < 1000, "the refusal does not echo the id back")
                #expect(line.contains("bad_request"))
            }
            let kilobyte = String(repeating: "k", count: 1000)
            for n in 0..<100 {
                let answer = try await client.request(["id": .string("\(n)" + kilobyte), "op": "crawl", "url": "not a url"]).answer
                #expect(answer["id"]?.stringValue?.hasSuffix(kilobyte) == true, "ids up to 1 KiB are echoed whole")
            }
            try await client.send(JSONValue.object(["id": 1, "op": "monitor.requests", "limit": 100]))
            let requests = try #require(try await client.readLine())
            #expect(requests.utf8.count < 100_000, "monitor.requests is \(requests.utf8.count) bytes")
            #expect(requests.contains("…[cut]"))
        }
    }
}

/// A fresh connection's `ping` (after `auth` when a token is given) answers within a second.
func expectPingWithinOneSecond(_ daemon: DaemonProcess, token: String?) async throws {
    try await daemon.withClient { client in
        if let token {
            #expect(try await client.request(["id": 0, "op": "auth", "token": .string(token)]).answer["ok"] == true)
        }
        let answer = try await client.request(["id": 1, "op": "ping"], timeout: .seconds(1)).answer
        #expect(answer["pong"] == true)
    }
}
