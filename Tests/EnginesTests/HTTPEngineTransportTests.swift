import Engines
import JSON
import TestSupport
import Testing

/// TLS verification and proxies, against real TLS and a real CONNECT proxy on loopback.
@Suite struct HTTPEngineTransportTests {
    @Test func anUntrustedCertificateIsATLSFailure() async throws {
        try await withTestHTTPServer(tls: true) { server in
            try await withHTTPEngine { engine in
                let error = await fetchError(engine, server.url("/json"))
                #expect(error?.code == .tls)
                #expect(error?.message.hasPrefix("TLS with 127.0.0.1:\(server.port) failed: ") == true)
            }
        }
    }

    @Test func verifyTLSFalseAcceptsIt() async throws {
        try await withTestHTTPServer(tls: true) { server in
            try await withHTTPEngine(["verify_tls": false]) { engine in
                let result = try await engine.fetch(url: server.url("/json"))
                #expect(result.status == 200)
                #expect(try jsonBody(result)["hello"] as? String == "world")
            }
        }
    }

    @Test func requestsGoThroughTheConfiguredProxy() async throws {
        try await withTestHTTPServer { origin in
            try await withTestHTTPServer { proxy in
                try await withHTTPEngine(["proxy": .string("http://127.0.0.1:\(proxy.port)")]) { engine in
                    let result = try await engine.fetch(url: origin.url("/headers"))
                    #expect(try jsonBody(result)["host"] as? String == "127.0.0.1:\(origin.port)")
                }
                try await withHTTPEngine { direct in
                    let counts = try jsonBody(try await direct.fetch(url: proxy.url("/connections")))
                    #expect(counts["tunnels"] as? Int == 1)
                }
            }
        }
    }
}
