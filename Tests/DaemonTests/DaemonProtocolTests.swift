import Foundation
import JSON
import Testing
import TestSupport

/// The real daemon answering the protocol's error codes and signals.
@Suite struct DaemonProtocolTests {
    static var scripts: String { DaemonProcess.repositoryRoot.appendingPathComponent("scripts").path }

    private func errorCode(_ answer: JSONObject) -> String? {
        answer["error"]?.objectValue?["code"]?.stringValue
    }

    @Test func pingAndEachErrorCodeOfTheFoundation() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", Self.scripts, "--redis", "none", "--max-line-bytes", "1024"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()

        let pong = try await client.request(["id": 1, "op": "ping"]).answer
        #expect(pong["pong"] == true)
        #expect(pong["version"]?.stringValue?.isEmpty == false)

        try await client.send("{nope")
        #expect(errorCode(try #require(try await client.readJSON()?.objectValue)) == "bad_json")

        #expect(errorCode(try await client.request(["id": 2, "op": "ping", "typo": 1]).answer) == "bad_request")
        #expect(errorCode(try await client.request(["id": 3, "op": "teleport"]).answer) == "unknown_op")
        #expect(errorCode(try await client.request(["id": 4, "op": "auth"]).answer) == "bad_request")

        try await client.send(String(repeating: "x", count: 2000))
        #expect(errorCode(try #require(try await client.readJSON()?.objectValue)) == "line_too_long")
        #expect(try await client.request(["id": 5, "op": "ping"]).answer["ok"] == true)
        await client.close()
    }

    @Test func tokenFileRequiresAuthFirst() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = directory.url.appendingPathComponent("token")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", Self.scripts, "--redis", "none", "--token-file", tokenFile.path, "--auth-timeout", "600"]
        )
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()

        #expect(errorCode(try await client.request(["id": 1, "op": "ping"]).answer) == "unauthorized")
        #expect(errorCode(try await client.request(["id": 2, "op": "auth", "token": "s3cret-tokeN"]).answer) == "unauthorized")
        #expect(errorCode(try await client.request(["id": 3, "op": "auth", "token": "s3cret"]).answer) == "unauthorized")
        #expect(try await client.request(["id": 4, "op": "auth", "token": "s3cret-token"]).answer["ok"] == true)
        #expect(try await client.request(["id": 5, "op": "ping"]).answer["pong"] == true)

        let other = try await daemon.connect()
        #expect(errorCode(try await other.request(["id": 6, "op": "ping"]).answer) == "unauthorized")
        await other.close()
        await client.close()
    }

    @Test func sigtermDrainsAndExitsZero() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", Self.scripts, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        #expect(try await client.request(["id": 1, "op": "ping"]).answer["ok"] == true)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        #expect(daemon.logText.contains("stopped"))
        await client.close()
    }

    @Test func maxConnectionsAnswersBusy() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", Self.scripts, "--redis", "none", "--max-connections", "3"])
        defer { Task { await daemon.stop() } }
        var clients: [LineClient] = []
        for _ in 0..<3 {
            let client = try await daemon.connect()
            #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
            clients.append(client)
        }
        let extra = try await daemon.connect()
        #expect(errorCode(try #require(try await extra.readJSON()?.objectValue)) == "busy")
        await extra.close()
        for client in clients { await client.close() }
    }
}
