import Engines
import Foundation
import Synchronization
import Testing
import TestSupport

/// The HTTP engine connects to the address its pin hands over, never to a
/// second lookup of the name: names under `.invalid` never resolve, so each
/// fetch here succeeds only by connecting where the pin said, and the
/// server's echo shows the request still named the host.
@Suite struct HTTPEnginePinningTests {
    @Test func connectsToThePinnedAddressAndKeepsTheNameInHost() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let asked = Mutex<[String]>([])
                let result = try await engine.fetch(
                    url: "http://pinned.invalid:\(server.port)/headers",
                    pin: { host in
                        asked.withLock { $0.append(host) }
                        return IPAddress("127.0.0.1")
                    })
                #expect(result.status == 200)
                #expect(try jsonBody(result)["host"] as? String == "pinned.invalid:\(server.port)")
                #expect(asked.withLock { $0 } == ["pinned.invalid"])
                // The name as the URL spells it is the name pinned, whatever its case.
                let shouted = try await engine.fetch(url: "http://PINNED.Invalid:\(server.port)/status/200", pin: { _ in IPAddress("127.0.0.1") })
                #expect(shouted.status == 200)
                // Without a pin the name is looked up, and does not resolve.
                #expect(await fetchError(engine, "http://pinned.invalid:\(server.port)/headers")?.code == .dns)
            }
        }
    }

    @Test func everyRedirectHopIsPinnedOnItsOwn() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let asked = Mutex<[String]>([])
                let next = "http://second.invalid:\(server.port)/headers"
                let result = try await engine.fetch(
                    url: "http://first.invalid:\(server.port)/redirect-to?url=\(next)",
                    pin: { host in
                        asked.withLock { $0.append(host) }
                        return IPAddress("127.0.0.1")
                    })
                #expect(try jsonBody(result)["host"] as? String == "second.invalid:\(server.port)")
                #expect(asked.withLock { $0 } == ["first.invalid", "second.invalid"])
            }
        }
    }

    /// A refusal from the pin (Crawl's `AddressPolicy`) ends the fetch before the hop is requested.
    @Test func aRefusedRedirectHopIsNeverRequested() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let next = "http://inward.invalid:\(server.port)/connections"
                let refusal = EngineError(.blockedAddress, "inward.invalid: 10.0.0.1 is a private address (refused by --deny-private)")
                await #expect(throws: refusal) {
                    _ = try await engine.fetch(
                        url: "http://first.invalid:\(server.port)/redirect-to?url=\(next)",
                        pin: { host in
                            if host == "inward.invalid" { throw refusal }
                            return IPAddress("127.0.0.1")
                        })
                }
                // The redirect itself was the only request: /connections counts itself as the second.
                let counts = try jsonBody(try await engine.fetch(url: server.url("/connections")))
                #expect(counts["connections"] as? Int == 2)
            }
        }
    }

    /// What the pin throws ends the fetch as thrown, whatever its type, on both ways a request goes.
    @Test func whatThePinThrowsEndsTheFetchUnchanged() async throws {
        struct Refused: Error, Equatable {}
        try await withHTTPEngine { engine in
            for scheme in ["http", "https"] {
                await #expect(throws: Refused()) {
                    _ = try await engine.fetch(url: "\(scheme)://pinned.invalid/", pin: { _ in throw Refused() })
                }
            }
        }
    }

    /// https through a pin: the TLS handshake goes to the pinned address for the name.
    @Test func httpsIsPinnedToo() async throws {
        try await withTestHTTPServer(tls: true) { server in
            try await withHTTPEngine(["verify_tls": false]) { engine in
                let result = try await engine.fetch(url: "https://pinned.invalid:\(server.port)/status/200", pin: { _ in IPAddress("127.0.0.1") })
                #expect(result.status == 200)
            }
        }
    }
}
