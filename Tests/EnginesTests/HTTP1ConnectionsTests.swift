import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TestSupport
import Testing

@testable import Engines

/// The engine's own plain-HTTP/1.1 connections: when one is kept for the
/// next request and when not, a body that ends with its connection, and idle
/// ones closed by the sweep.
@Suite struct HTTP1ConnectionsTests {
    @Test func aResponseThatSaysCloseIsNotReused() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                for _ in 0..<2 {
                    let result = try await engine.fetch(url: server.url("/close"))
                    #expect(result.status == 200)
                    #expect(result.text == "closing")
                }
                #expect(engine.plain.idleCount == 0)
                // Two closed connections, and a third for this request.
                let counted = try jsonBody(try await engine.fetch(url: server.url("/connections")))
                #expect(counted["connections"] as? Int == 3)
                #expect(engine.plain.idleCount == 1)
            }
        }
    }

    @Test func aBodyThatEndsWithItsConnectionComesWhole() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let result = try await engine.fetch(url: server.url("/until-close?bytes=300000"))
                #expect(result.status == 200)
                #expect(result.body.count == 300_000)
                #expect(result.body.allSatisfy { $0 == UInt8(ascii: "y") })
                #expect(try await engine.fetch(url: server.url("/json")).status == 200)
            }
        }
    }

    /// A response head past NIO's 80 KB limit ends the fetch as a protocol error, its connection
    /// closed, and nothing of it is kept; the engine goes on.
    @Test func aHugeResponseHeadIsRefused() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                #expect(await fetchError(engine, server.url("/huge-header?bytes=1000000"))?.code == .protocolError)
                #expect(engine.plain.idleCount == 0)
                let after = try await engine.fetch(url: server.url("/huge-header?bytes=1000"))
                #expect(after.status == 200)
            }
        }
    }

    /// The request head as the server read it: the `Host` header with the port, and a GET framed
    /// as having no body (no `Transfer-Encoding` or `Content-Length` for a server to wait on).
    @Test func theRequestHeadNamesThePortAndNoBody() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let headers = try jsonBody(try await engine.fetch(url: server.url("/headers?x=1")))
                #expect(headers["host"] as? String == "127.0.0.1:\(server.port)")
                #expect(headers["user-agent"] as? String == HTTPEngineConfiguration.defaultUserAgent)
                #expect(headers["transfer-encoding"] == nil)
                #expect(headers["content-length"] == nil)
            }
        }
    }

    /// The sweep's cut-off is made up here: a connection idle since before it closes, a newer one stays.
    @Test func anIdleConnectionIsClosedOnceItHasIdledLongEnough() async throws {
        try await withTestHTTPServer { server in
            let connections = HTTP1Connections(
                configuration: HTTPEngineConfiguration(), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, idleTimeout: .hours(1))
            try await fetchJSON(server, over: connections)
            #expect(connections.idleCount == 1)
            connections.closeIdle(before: .now() - .seconds(5))
            #expect(connections.idleCount == 1)
            connections.closeIdle(before: .now() + .seconds(5))
            #expect(connections.idleCount == 0)
            await connections.close()
        }
    }

    @Test func theSweepRunsByItself() async throws {
        try await withTestHTTPServer { server in
            let connections = HTTP1Connections(
                configuration: HTTPEngineConfiguration(), eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                idleTimeout: .milliseconds(50), sweepInterval: .milliseconds(50))
            try await fetchJSON(server, over: connections)
            #expect(await pollUntil(seconds: 60) { connections.idleCount == 0 })
            await connections.close()
        }
    }

    private func fetchJSON(_ server: TestHTTPServer, over connections: HTTP1Connections) async throws {
        let url = try #require(URL(string: server.url("/json")))
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "127.0.0.1:\(server.port)")
        let response = try await connections.execute(
            HTTPRequestHead(version: .http1_1, method: .GET, uri: "/json", headers: headers),
            to: HTTP1Connections.Key(host: "127.0.0.1", port: server.port, address: nil),
            into: ResponseAccumulator(url: url, configuration: HTTPEngineConfiguration()))
        #expect(response.head.status == .ok)
    }
}
