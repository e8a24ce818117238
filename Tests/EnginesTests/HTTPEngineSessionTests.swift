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

    /// One engine serves many clients: each request's cookies come from its own jar.
    @Test func cookiesComeBackToTheSameJarOnly() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let mine = CookieJar()
                _ = try await engine.fetch(url: server.url("/set-cookie?a=1&b=2"), cookies: mine)
                let echoed = try jsonBody(try await engine.fetch(url: server.url("/echo-cookie"), cookies: mine))
                #expect(echoed["cookie"] as? String == "a=1; b=2")
                #expect(mine.count == 2)
                let other = try jsonBody(try await engine.fetch(url: server.url("/echo-cookie"), cookies: CookieJar()))
                #expect(other["cookie"] as? String == "")
                let none = try jsonBody(try await engine.fetch(url: server.url("/echo-cookie")))
                #expect(none["cookie"] as? String == "")
                #expect(engine.sharedCookies.count == 0)
            }
        }
    }

    /// `cookies = "shared"`: the engine's jar, whatever jar the request brings.
    @Test func aSharedConfigKeepsCookiesInTheEngine() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["cookies": "shared"]) { engine in
                _ = try await engine.fetch(url: server.url("/set-cookie?a=1"), cookies: CookieJar())
                let echoed = try jsonBody(try await engine.fetch(url: server.url("/echo-cookie")))
                #expect(echoed["cookie"] as? String == "a=1")
                #expect(engine.sharedCookies.count == 1)
            }
        }
    }

    @Test func aCookieSetOnARedirectReachesTheNextHop() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["headers": ["cookie": "fixed=1"]]) { engine in
                let result = try await engine.fetch(
                    url: server.url("/set-cookie-raw?h=session%3Dabc%3B%20Path%3D%2F&to=/echo-cookie"), cookies: CookieJar())
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
