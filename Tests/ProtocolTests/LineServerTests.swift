import JSON
import Protocol
import Testing
import TestSupport

@Suite struct LineServerTests {
    /// With `inline`, the server answers the echoes on the connection's task.
    @Test(arguments: [false, true])
    func thousandPipelinedRequestsGetThousandAnswers(inline: Bool) async throws {
        try await withTestServer(dispatcher: TestDispatcher(inlineOps: inline ? ["echo"] : [])) { port, _ in
            let client = try await LineClient.connect(port: port)
            var batch = ""
            for i in 0..<1000 { batch += "{\"id\":\(i),\"op\":\"echo\",\"n\":\(i)}\n" }
            try await client.send(raw: Array(batch.utf8))
            var seen = Set<Int64>()
            for _ in 0..<1000 {
                let answer = try #require(try await client.readJSON()?.objectValue)
                let id = try #require(answer["id"]?.intValue)
                #expect(answer["ok"] == true)
                #expect(answer["n"]?.intValue == id)
                seen.insert(id)
            }
            #expect(seen == Set(0..<1000))
            await client.close()
        }
    }

    /// A client that sends its requests and at once closes its sending side (`printf … | nc -N`) gets
    /// every answer, then the end of the connection. When the request and the end of input came before
    /// the connection was served, the event loop read both anyway (NIO reads to the end on EOF, whatever
    /// `autoRead` says), handed them to a pipeline with nothing to take them yet, and the connection got
    /// no answer and stayed open for good: about three `nc -N` pings in five.
    @Test func requestsSentWithTheEndOfInputAreAnsweredThenTheConnectionCloses() async throws {
        try await withTestServer { port, _ in
            for attempt in 0..<30 {
                let client = try await LineClient.connect(port: port)
                try await client.send(raw: Array("{\"id\":\(attempt),\"op\":\"echo\"}\n{\"id\":\"second\",\"op\":\"echo\"}\n".utf8))
                try await client.finishSending()
                var answered: Set<JSONValue> = []
                for _ in 0..<2 {
                    let answer = try await client.readJSON(timeout: .seconds(20))
                    answered.insert(try #require(answer?.objectValue?["id"], "attempt \(attempt): no answer"))
                }
                #expect(answered == [.int(Int64(attempt)), "second"])
                #expect(try await client.readLine(timeout: .seconds(20)) == nil, "attempt \(attempt): the server closes after answering")
                await client.close()
            }
        }
    }

    @Test func answersMayComeBackOutOfOrder() async throws {
        try await withTestServer { port, _ in
            let client = try await LineClient.connect(port: port)
            try await client.send(#"{"id":"slow","op":"sleep","ms":300}"#)
            try await client.send(#"{"id":"fast","op":"echo"}"#)
            #expect(try await client.readJSON()?.objectValue?["id"] == "fast")
            #expect(try await client.readJSON()?.objectValue?["id"] == "slow")
            await client.close()
        }
    }

    @Test func lineTooLongKeepsConnection() async throws {
        let configuration = LineServerConfiguration(port: 0, maximumLineBytes: 1024)
        try await withTestServer(configuration) { port, _ in
            let client = try await LineClient.connect(port: port)
            try await client.send(raw: Array(repeating: UInt8(ascii: "x"), count: 1025) + Array("\n".utf8))
            let error = try #require(try await client.readJSON()?.objectValue?["error"]?.objectValue)
            #expect(error["code"] == "line_too_long")
            try await client.send(#"{"id":2,"op":"echo"}"#)
            #expect(try await client.readJSON()?.objectValue?["ok"] == true)
            await client.close()
        }
    }

    @Test func garbageAndInvalidUTF8GetBadJSONAndOthersAreUndisturbed() async throws {
        try await withTestServer { port, _ in
            let bystander = try await LineClient.connect(port: port)
            let client = try await LineClient.connect(port: port)
            try await client.send(raw: [0xFF, 0xFE, 0x00, 0x80, UInt8(ascii: "\n")])
            #expect(try await client.readJSON()?.objectValue?["error"]?.objectValue?["code"] == "bad_json")
            try await client.send(raw: Array(#"{"id":"é","op":"echo","s":""#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
            #expect(try await client.readJSON()?.objectValue?["error"]?.objectValue?["code"] == "bad_json")
            let answer = try await bystander.request(["id": 1, "op": "echo"]).answer
            #expect(answer["ok"] == true)
            await client.close()
            await bystander.close()
        }
    }

    @Test func idIsEchoedAsStringNumberOrNull() async throws {
        try await withTestServer { port, _ in
            let client = try await LineClient.connect(port: port)
            #expect(try await client.request(["id": "a-1", "op": "echo"]).answer["id"] == "a-1")
            #expect(try await client.request(["id": 2.5, "op": "echo"]).answer["id"] == 2.5)
            #expect(try await client.request(["op": "echo"]).answer["id"] == .null)
            let bad = try await client.request(["id": 7, "op": 3]).answer
            #expect(bad["id"] == 7)
            #expect(bad["error"]?.objectValue?["code"] == "bad_request")
            await client.close()
        }
    }

    @Test func inflightCapStopsReadingInsteadOfFailing() async throws {
        let dispatcher = TestDispatcher()
        let configuration = LineServerConfiguration(port: 0, maximumInflightPerConnection: 4)
        try await withTestServer(configuration, dispatcher: dispatcher) { port, _ in
            let client = try await LineClient.connect(port: port)
            for i in 0..<50 { try await client.send(#"{"id":\#(i),"op":"hold"}"#) }
            try #require(await pollUntil { dispatcher.held >= 4 })
            // A line the server must not read has no later event to wait for:
            // a fifth hold would be dispatched within microseconds of the
            // fourth, so this window is ample (`maximumHeld` checks the whole run too).
            try await Task.sleep(for: .milliseconds(200))
            #expect(dispatcher.held == 4)
            dispatcher.openGate()
            var ids = Set<Int64>()
            for _ in 0..<50 {
                let answer = try #require(try await client.readJSON()?.objectValue)
                #expect(answer["ok"] == true)
                ids.insert(try #require(answer["id"]?.intValue))
            }
            #expect(ids.count == 50)
            #expect(dispatcher.maximumHeld == 4)
            await client.close()
        }
    }

    @Test func connectionsPastTheLimitGetOneBusyLine() async throws {
        let configuration = LineServerConfiguration(port: 0, maximumConnections: 2)
        try await withTestServer(configuration) { port, _ in
            let first = try await LineClient.connect(port: port)
            let second = try await LineClient.connect(port: port)
            _ = try await first.request(["op": "echo"])
            _ = try await second.request(["op": "echo"])
            let third = try await LineClient.connect(port: port)
            let line = try #require(try await third.readJSON()?.objectValue)
            #expect(line["error"]?.objectValue?["code"] == "busy")
            #expect(try await third.readLine() == nil)
            await first.close()
            await second.close()
            await third.close()
        }
    }

    @Test func drainAnswersRequestsInFlightAndRefusesNewOnes() async throws {
        let dispatcher = TestDispatcher()
        try await withTestServer(dispatcher: dispatcher) { port, group in
            let client = try await LineClient.connect(port: port)
            try await client.send(#"{"id":"inflight","op":"hold"}"#)
            try #require(await pollUntil { dispatcher.held >= 1 })
            await group.triggerGracefulShutdown()
            // The trigger returns before the server has seen it; once the
            // listening socket is closed, draining has begun.
            try #require(
                await pollUntil {
                    guard let probe = try? await LineClient.connect(port: port) else { return true }
                    await probe.close()
                    return false
                })
            try await client.send(#"{"id":"late","op":"echo"}"#)
            let late = try #require(try await client.readJSON()?.objectValue)
            #expect(late["id"] == "late")
            #expect(late["error"]?.objectValue?["code"] == "shutting_down")
            dispatcher.openGate()
            let inflight = try #require(try await client.readJSON()?.objectValue)
            #expect(inflight["id"] == "inflight")
            #expect(inflight["ok"] == true)
            #expect(try await client.readLine() == nil)
            await client.close()
        }
    }

    @Test func clientThatNeverReadsDoesNotBlockOthers() async throws {
        let configuration = LineServerConfiguration(port: 0, maximumInflightPerConnection: 8)
        try await withTestServer(configuration) { port, _ in
            let hog = try await LineClient.connect(port: port)
            let payload = String(repeating: "z", count: 60_000)
            let line = #"{"op":"echo","p":"\#(payload)"}"# + "\n"
            for _ in 0..<200 { try await hog.send(raw: Array(line.utf8)) }
            let other = try await LineClient.connect(port: port)
            #expect(try await other.request(["id": 1, "op": "echo"]).answer["ok"] == true)
            await other.close()
            await hog.close()
        }
    }
}
