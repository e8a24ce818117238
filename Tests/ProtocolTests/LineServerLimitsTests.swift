import JSON
import NIOCore
import NIOEmbedded
import Protocol
import Testing
import TestSupport

/// Limits that hold against clients that never finish a line or never
/// authenticate (issue 20 item 5).
@Suite struct LineServerLimitsTests {
    private func code(_ line: JSONValue?) -> String? {
        line?.objectValue?["error"]?.objectValue?["code"]?.stringValue
    }

    @Test func aLongLineBeforeAuthIsRefusedAndEndsReading() throws {
        let session = Session(peer: "test", authenticated: false)
        let decoder = LineFrameDecoder(maximumLineBytes: 1 << 20, unauthenticatedLineBytes: 4096, session: session)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: String(repeating: "a", count: 5000)))
        #expect(try channel.readInbound(as: InboundLine.self) == .tooLong)
        #expect(!channel.isActive, "reading stopped")
    }

    @Test func anAuthenticatedConnectionTakesLinesUpToTheFullLimit() throws {
        let session = Session(peer: "test", authenticated: false)
        let decoder = LineFrameDecoder(maximumLineBytes: 1 << 20, unauthenticatedLineBytes: 4096, session: session)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        let long = String(repeating: "a", count: 5000)
        session.markAuthenticated()
        try channel.writeInbound(ByteBuffer(string: long + "\n"))
        #expect(try channel.readInbound(as: InboundLine.self) == .line(ByteBuffer(string: long)))
        _ = try channel.finish()
    }

    @Test func partialLineBudgetClosesTheConnectionHoldingTheMost() async throws {
        let configuration = LineServerConfiguration(port: 0, partialLineBudgetBytes: 64 * 1024)
        try await withTestServer(configuration) { port, _ in
            let big = try await LineClient.connect(port: port)
            let small = try await LineClient.connect(port: port)
            try await big.send(raw: Array(repeating: UInt8(ascii: "x"), count: 40 * 1024))
            try await small.send(raw: Array(repeating: UInt8(ascii: "y"), count: 30 * 1024))
            #expect(code(try await big.readJSON()) == "line_too_long")
            #expect(try await big.readLine(timeout: .seconds(10)) == nil, "the connection holding the most is closed")
            try await small.send("")
            #expect(code(try await small.readJSON()) == "bad_json", "the other connection keeps its line and is answered")
            let fresh = try await LineClient.connect(port: port)
            #expect(try await fresh.request(["id": 1, "op": "echo"]).answer["ok"] == true)
            for client in [big, small, fresh] { await client.close() }
        }
    }

    @Test func unauthenticatedConnectionsAreClosedAtTheAuthDeadline() async throws {
        // Long enough for the member to connect and log in on a loaded machine.
        let configuration = LineServerConfiguration(port: 0, requiresAuthentication: true, authTimeout: .seconds(30))
        try await withTestServer(configuration, dispatcher: TestDispatcher(inlineOps: ["login"])) { port, _ in
            let idle = try await LineClient.connect(port: port)
            let member = try await LineClient.connect(port: port)
            #expect(try await member.request(["id": 1, "op": "login"]).answer["ok"] == true)
            // Its deadline falls after the member's: once it is closed, the member's has passed too.
            let later = try await LineClient.connect(port: port)
            #expect(code(try await idle.readJSON(timeout: .seconds(120))) == "unauthorized")
            #expect(try await idle.readLine(timeout: .seconds(30)) == nil)
            #expect(code(try await later.readJSON(timeout: .seconds(120))) == "unauthorized")
            #expect(try await member.request(["id": 2, "op": "echo"]).answer["ok"] == true, "an authenticated connection stays")
            for client in [idle, member, later] { await client.close() }
        }
    }
}
