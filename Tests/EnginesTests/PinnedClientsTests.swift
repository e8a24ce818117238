import Testing

@testable import Engines

/// The pinned clients of an HTTP engine: reused per (host, address), idle
/// ones bounded, the one in use never retired.
@Suite struct PinnedClientsTests {
    @Test func reusedPerHostAndAddressAndIdleOnesBounded() async throws {
        try await withHTTPEngine { engine in
            let clients = engine.pinned
            let first = try #require(IPAddress("127.0.0.1"))
            let second = try #require(IPAddress("127.0.0.2"))
            let (one, oneKey) = try clients.acquire(host: "one.invalid", address: first)
            let (again, againKey) = try clients.acquire(host: "one.invalid", address: first)
            #expect(one === again)
            clients.release(oneKey)
            clients.release(againKey)

            // The name now resolves elsewhere: its idle client for the old address goes.
            let (moved, movedKey) = try clients.acquire(host: "one.invalid", address: second)
            #expect(moved !== one)
            clients.release(movedKey)
            #expect(clients.count == 1)

            for index in 0..<20 {
                let (_, key) = try clients.acquire(host: "host\(index).invalid", address: first)
                clients.release(key)
            }
            #expect(clients.count == 16)

            // Clients in use are never retired, however many.
            var held: [PinnedClients.Key] = []
            for index in 0..<20 { held.append(try clients.acquire(host: "busy\(index).invalid", address: first).1) }
            #expect(clients.count >= 20)
            for key in held { clients.release(key) }
        }
    }

    @Test func closedEngineHandsOutNoClient() async throws {
        let engine = try await withHTTPEngine { $0 }
        #expect(throws: EngineError.self) { try engine.pinned.acquire(host: "late.invalid", address: try #require(IPAddress("127.0.0.1"))) }
    }
}
