import JSON
import Protocol
import Testing
import TestSupport

/// Requests the dispatcher `runsInline` are answered on the connection's task,
/// gathered per read; these pin that nothing of the contract changes for them
/// (`LineServerTests` also pipelines a thousand of them).
@Suite struct InlineAnswerTests {
    @Test func inlineAnswerIsNotHeldUpBySlowRequestReadWithIt() async throws {
        try await withTestServer(dispatcher: TestDispatcher(inlineOps: ["echo"])) { port, _ in
            let client = try await LineClient.connect(port: port)
            try await client.send(raw: Array(#"{"id":"slow","op":"sleep","ms":300}"#.utf8) + [10] + Array(#"{"id":"fast","op":"echo"}"#.utf8) + [10])
            #expect(try await client.readJSON()?.objectValue?["id"] == "fast")
            #expect(try await client.readJSON()?.objectValue?["id"] == "slow")
            await client.close()
        }
    }

    @Test func inlineAndHeldRequestsShareTheInflightCap() async throws {
        let dispatcher = TestDispatcher(inlineOps: ["echo"])
        let configuration = LineServerConfiguration(port: 0, maximumInflightPerConnection: 4)
        try await withTestServer(configuration, dispatcher: dispatcher) { port, _ in
            let client = try await LineClient.connect(port: port)
            var batch = ""
            for i in 0..<40 { batch += "{\"id\":\(i),\"op\":\"\(i % 2 == 0 ? "hold" : "echo")\"}\n" }
            try await client.send(raw: Array(batch.utf8))
            try #require(await pollUntil { dispatcher.held >= 4 })
            // The echoes read before the fourth hold were answered; the rest wait for slots.
            for _ in 0..<3 { #expect(try await client.readJSON()?.objectValue?["ok"] == true) }
            #expect(dispatcher.held == 4)
            dispatcher.openGate()
            var ids = Set<Int64>()
            for _ in 3..<40 { ids.insert(try #require(try await client.readJSON()?.objectValue?["id"]?.intValue)) }
            #expect(ids.count == 37)
            #expect(dispatcher.maximumHeld == 4)
            await client.close()
        }
    }

    @Test func errorsOfUndecodableLinesAreAnsweredInline() async throws {
        try await withTestServer { port, _ in
            let client = try await LineClient.connect(port: port)
            try await client.send(raw: Array("{oops\n[1]\n{\"id\":3,\"op\":\"echo\"}\n".utf8))
            #expect(try await client.readJSON()?.objectValue?["error"]?.objectValue?["code"] == "bad_json")
            #expect(try await client.readJSON()?.objectValue?["error"]?.objectValue?["code"] == "bad_request")
            #expect(try await client.readJSON()?.objectValue?["id"] == 3)
            await client.close()
        }
    }
}
