import Engines
import JSON
import TestSupport
import Testing

/// Fetches against the real Python test server on loopback.
@Suite struct HTTPEngineFetchTests {
    @Test func followsARedirectChainToTheFinalURL() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let result = try await engine.fetch(url: server.url("/redirect/3"))
                #expect(result.status == 200)
                #expect(result.finalURL == server.url("/redirect/0"))
                #expect(result.redirects == [server.url("/redirect/2"), server.url("/redirect/1"), server.url("/redirect/0")])
                #expect(result.text.contains("<title>end of redirects</title>"))
            }
        }
    }

    /// A followed redirect's body is read only so that its connection serves the next hop, past the body cap
    /// (it is not the page); one past 64 KiB is abandoned, its connection closed, and the redirect still followed.
    @Test(arguments: [(bytes: 30_000, connections: 1), (bytes: 200_000, connections: 2)])
    func aRedirectsBodyIsReadUpTo64KiBThenAbandoned(_ redirect: (bytes: Int, connections: Int)) async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["max_body_bytes": 1000]) { engine in
                let result = try await engine.fetch(url: server.url("/redirect-to?url=/connections&bytes=\(redirect.bytes)"))
                #expect(result.status == 200)
                #expect(result.finalURL == server.url("/connections"))
                #expect(try jsonBody(result)["connections"] as? Int == redirect.connections)
            }
        }
    }

    @Test func returnsTheRedirectItselfWhenNotFollowing() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["follow_redirects": false]) { engine in
                let result = try await engine.fetch(url: server.url("/redirect/1"))
                #expect(result.status == 302)
                #expect(result.headers.first("Location") == "/redirect/0")
                #expect(result.finalURL == server.url("/redirect/1"))
            }
        }
    }

    @Test(arguments: [404, 500, 503])
    func errorStatusesAreResultsNotErrors(_ status: Int) async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let result = try await engine.fetch(url: server.url("/status/\(status)"))
                #expect(result.status == status)
                #expect(result.text == "status \(status)")
                #expect(result.byteCount == result.text.utf8.count)
            }
        }
    }

    @Test func inflatesGzipBodies() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let result = try await engine.fetch(url: server.url("/gzip"))
                #expect(result.headers.first("content-encoding") == "gzip")
                #expect(result.text.hasPrefix("<html><head><title>gzipped</title>"))
                #expect(result.byteCount > 2000)
            }
        }
    }

    @Test func leavesGzipAloneWithoutDecompression() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["decompression": false]) { engine in
                let result = try await engine.fetch(url: server.url("/gzip"))
                #expect(result.body.prefix(2) == [0x1f, 0x8b])
                #expect(result.byteCount < 200)
            }
        }
    }

    @Test func returnsNonHTMLBodiesAsTheyCame() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let png = try await engine.fetch(url: server.url("/png"))
                #expect(png.mediaType == "image/png")
                #expect(png.body.prefix(8) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
                let json = try await engine.fetch(url: server.url("/json"))
                #expect(json.contentType == "application/json")
                #expect(try jsonBody(json)["hello"] as? String == "world")
                let disguised = try await engine.fetch(url: server.url("/png-as-html"))
                #expect(disguised.mediaType == "text/html")
                #expect(disguised.body == png.body)
            }
        }
    }

    @Test func acceptsABodyOfExactlyTheCap() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["max_body_bytes": 5000]) { engine in
                let result = try await engine.fetch(url: server.url("/big?bytes=5000&chunked=1"))
                #expect(result.byteCount == 5000)
            }
        }
    }

    @Test func sendsTheConfiguredUserAgentAndHeaders() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["user_agent": "testbot/1", "headers": ["X-Crawl-Test": "yes"]]) { engine in
                let echoed = try jsonBody(try await engine.fetch(url: server.url("/headers")))
                #expect(echoed["user-agent"] as? String == "testbot/1")
                #expect(echoed["x-crawl-test"] as? String == "yes")
                #expect(echoed["accept-encoding"] as? String == "gzip, deflate")
            }
        }
    }

    @Test func servesStaticFilesFromTheRootDirectory() async throws {
        let root = try TemporaryDirectory()
        try root.write("index.html", "<html><head><title>Index</title></head></html>")
        try root.write("robots.txt", "User-agent: *\nDisallow: /private\n")
        try await withTestHTTPServer(root: root.path) { server in
            try await withHTTPEngine { engine in
                let index = try await engine.fetch(url: server.url("/"))
                #expect(index.text.contains("<title>Index</title>"))
                let robots = try await engine.fetch(url: server.url("/robots.txt"))
                #expect(robots.text.contains("Disallow: /private"))
                let missing = try await engine.fetch(url: server.url("/missing.html"))
                #expect(missing.status == 404)
            }
        }
    }
}
