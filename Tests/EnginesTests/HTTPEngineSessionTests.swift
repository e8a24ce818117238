import Engines
import JSON
import TestSupport
import Testing

/// What an engine keeps between requests: connections, cookies, its lifecycle.
@Suite struct HTTPEngineSessionTests {
    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                for _ in 0..<5 {
                    #expect(try await engine.fetch(url: server.url("/json")).status == 200)
                }
                let counted = try jsonBody(try await engine.fetch(url: server.url("/connections")))
                #expect(counted["connections"] as? Int == 1)
            }
        }
    }

    @Test func cookiesComeBackToTheSameEngineOnly() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                _ = try await engine.fetch(url: server.url("/set-cookie?a=1&b=2"))
                let echoed = try jsonBody(try await engine.fetch(url: server.url("/echo-cookie")))
                #expect(echoed["cookie"] as? String == "a=1; b=2")
                #expect(engine.cookies.count == 2)
            }
            try await withHTTPEngine { other in
                let echoed = try jsonBody(try await other.fetch(url: server.url("/echo-cookie")))
                #expect(echoed["cookie"] as? String == "")
            }
        }
    }

    @Test func aCookieSetOnARedirectReachesTheNextHop() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["headers": ["cookie": "fixed=1"]]) { engine in
                let result = try await engine.fetch(url: server.url("/set-cookie-raw?h=session%3Dabc%3B%20Path%3D%2F&to=/echo-cookie"))
                #expect(result.finalURL == server.url("/echo-cookie"))
                #expect(try jsonBody(result)["cookie"] as? String == "fixed=1; session=abc")
            }
        }
    }

    @Test func fetchNeedsAStartedOpenEngine() async throws {
        let engine = HTTPEngine(
            configuration: HTTPEngineConfiguration(), eventLoopGroup: .singletonMultiThreadedEventLoopGroup, logger: .init(label: "t")
        )
        #expect(await engine.isHealthy() == false)
        #expect(await fetchError(engine, "http://127.0.0.1:1/")?.code == .notRunning)
        try await engine.start()
        #expect(await engine.isHealthy())
        #expect(await engine.memoryBytes() >= 64 * 1024)
        #expect(engine.signature == HTTPEngineConfiguration().signature)
        #expect(engine.kind == "http")
        await engine.close()
        #expect(await engine.isHealthy() == false)
        let error = await fetchError(engine, "http://127.0.0.1:1/")
        #expect(error?.code == .notRunning)
        #expect(error?.message == "http engine \(engine.signature.short) is closed")
    }
}
