import Foundation
import JSON
import Testing
import TestSupport

/// `auth` against a client guessing tokens (issue 19 item 8): before auth
/// errors name only `auth`; wrong tokens slow down, then close the
/// connection; many failures from one address lock it out.
@Suite struct DaemonAuthTests {
    static let token = "s3cret-token"

    /// A daemon requiring `token` (read from a file removed once it started).
    /// The auth deadline is long unless a test sets it: a loaded machine must
    /// not turn a test of tokens into a test of the deadline.
    static func start(extra: [String] = ["--auth-timeout", "600"]) async throws -> DaemonProcess {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = directory.url.appendingPathComponent("token")
        try (token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        return try await DaemonProcess.start(
            arguments: ["--config", DaemonProtocolTests.scripts, "--redis", "none", "--token-file", tokenFile.path] + extra
        )
    }

    private func error(_ answer: JSONObject) -> (code: String?, message: String?) {
        let error = answer["error"]?.objectValue
        return (error?["code"]?.stringValue, error?["message"]?.stringValue)
    }

    @Test func beforeAuthErrorsNameOnlyAuth() async throws {
        let daemon = try await Self.start()
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let refused = error(try await client.request(["id": 1, "op": "teleport"]).answer)
        #expect(refused.code == "unknown_op")
        #expect(refused.message?.contains("auth") == true)
        #expect(refused.message?.contains("job.submit") == false)
        #expect(refused.message?.contains("monitor") == false)
        #expect(try await client.request(["id": 2, "op": "auth", "token": .string(Self.token)]).answer["ok"] == true)
        let known = error(try await client.request(["id": 3, "op": "teleport"]).answer)
        #expect(known.message?.contains("job.submit") == true, "after auth the known ops are listed")
        await client.close()
    }

    @Test func wrongTokensSlowDownThenCloseTheConnection() async throws {
        let daemon = try await Self.start()
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let start = ContinuousClock.now
        for n in 1...5 {
            let answer = try await client.request(["id": .int(Int64(n)), "op": "auth", "token": .string("guess-\(n)")]).answer
            #expect(error(answer).code == "unauthorized")
        }
        // 100 + 200 + 400 + 800 + 1600 ms of waits: guessing is slow.
        #expect(ContinuousClock.now - start >= .milliseconds(3000))
        #expect(try await client.readLine(timeout: .seconds(10)) == nil, "the fifth failure closes the connection")
        await client.close()
        let fresh = try await daemon.connect()
        #expect(try await fresh.request(["id": 6, "op": "auth", "token": .string(Self.token)]).answer["ok"] == true)
        #expect(try await fresh.request(["id": 7, "op": "ping"]).answer["pong"] == true)
        await fresh.close()
    }

    @Test func failuresAcrossConnectionsLockTheAddressOut() async throws {
        let daemon = try await Self.start()
        defer { Task { await daemon.stop() } }
        // Four connections guessing in parallel: 20 failures within a minute.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in 0..<4 {
                group.addTask {
                    let client = try await daemon.connect()
                    for n in 0..<5 { _ = try await client.request(["id": .int(Int64(n)), "op": "auth", "token": .string("guess-\(connection)-\(n)")]) }
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        let late = try await daemon.connect()
        let answer = try await late.request(["id": 1, "op": "auth", "token": .string(Self.token)]).answer
        #expect(error(answer).code == "auth_throttled", "even the right token is refused during the lockout")
        #expect(try await late.readLine(timeout: .seconds(10)) == nil)
        await late.close()
    }

    @Test func unauthenticatedConnectionsCloseAtTheAuthTimeout() async throws {
        let daemon = try await Self.start(extra: ["--auth-timeout", "1"])
        defer { Task { await daemon.stop() } }
        let idle = try await daemon.connect()
        #expect(error(try #require(try await idle.readJSON(timeout: .seconds(10))?.objectValue)).code == "unauthorized")
        #expect(try await idle.readLine(timeout: .seconds(10)) == nil)
        await idle.close()
    }
}
