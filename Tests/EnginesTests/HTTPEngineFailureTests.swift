import Engines
import JSON
import TestSupport
import Testing

/// Each failure a crawl can meet becomes one clear `EngineError`.
@Suite struct HTTPEngineFailureTests {
    @Test func refusedPortIsConnectionRefused() async throws {
        try await withHTTPEngine { engine in
            let error = await fetchError(engine, "http://127.0.0.1:1/")
            #expect(error?.code == .connectionRefused)
            #expect(error?.message == "connection refused: 127.0.0.1:1")
            #expect(error?.code.isTimeout == false)
        }
    }

    @Test func anUnknownHostIsDNS() async throws {
        try await withHTTPEngine { engine in
            let error = await fetchError(engine, "http://no-such-host.invalid/")
            #expect(error?.code == .dns)
            #expect(error?.message == "cannot resolve host 'no-such-host.invalid'")
        }
    }

    @Test func httpsToAPlainHTTPServerIsATLSFailure() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let error = await fetchError(engine, "https://127.0.0.1:\(server.port)/json")
                #expect(error?.code == .tls)
                #expect(error?.message.hasPrefix("TLS with 127.0.0.1:\(server.port) failed: ") == true)
            }
        }
    }

    @Test func slowHeadersHitTheConfigTimeout() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["timeout_ms": 300]) { engine in
                let error = await fetchError(engine, server.url("/slow-headers?ms=20000"))
                #expect(error?.code == .timeout)
                #expect(error?.code.isTimeout == true)
                #expect(error?.message.contains("within 300 ms") == true)
            }
        }
    }

    @Test func theCallersShorterTimeoutWins() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let error = await fetchError(engine, server.url("/slow-headers?ms=20000"), timeout: .milliseconds(250))
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("within 250 ms") == true)
            }
        }
    }

    @Test func aBodyThatStallsHitsTheTimeout() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["timeout_ms": 500]) { engine in
                let error = await fetchError(engine, server.url("/stall-body?bytes=2048&ms=30000"))
                #expect(error?.code == .timeout)
            }
        }
    }

    @Test func aResetMidBodyIsConnectionReset() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let error = await fetchError(engine, server.url("/reset-body?bytes=2048"))
                #expect(error?.code == .connectionReset)
                #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)
            }
        }
    }

    @Test(arguments: ["/big?bytes=5001", "/big?bytes=200000&chunked=1", "/gzip"])
    func aBodyPastTheCapFails(_ path: String) async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["max_body_bytes": 1000]) { engine in
                let error = await fetchError(engine, server.url(path))
                #expect(error?.code == .bodyTooLarge)
                #expect(error?.message.hasPrefix("body larger than 1000 bytes") == true)
            }
        }
    }

    @Test func aRedirectLoopNamesTheLoop() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let error = await fetchError(engine, server.url("/redirect-loop"))
                #expect(error?.code == .redirectLoop)
                let loop = [server.url("/redirect-loop"), server.url("/redirect-loop?again=1"), server.url("/redirect-loop")]
                #expect(error?.message == "redirect loop: " + loop.joined(separator: " -> "))
            }
        }
    }

    @Test func aChainLongerThanMaxRedirectsFails() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine(["max_redirects": 2]) { engine in
                let withinLimit = try await engine.fetch(url: server.url("/redirect/2"))
                #expect(withinLimit.status == 200)
                let error = await fetchError(engine, server.url("/redirect/3"))
                #expect(error?.code == .tooManyRedirects)
                #expect(error?.message == "more than 2 redirects from \(server.url("/redirect/3"))")
            }
        }
    }

    @Test func aRedirectToAnotherSchemeFails() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let error = await fetchError(engine, server.url("/redirect-to?url=ftp://example.org/x"))
                #expect(error?.code == .protocolError)
                #expect(error?.message.contains("'ftp://example.org/x', which is not an http or https URL") == true)
            }
        }
    }

    @Test func aURLThatIsNotHTTPIsInvalid() async throws {
        try await withHTTPEngine { engine in
            let error = await fetchError(engine, "file:///etc/passwd")
            #expect(error?.code == .invalidURL)
        }
    }
}

extension HTTPEngineFailureTests {
    struct Refused: Error, Equatable { let url: String }

    @Test func aRedirectCheckCanRefuseTheNextHop() async throws {
        try await withTestHTTPServer { server in
            try await withHTTPEngine { engine in
                let target = "http://127.0.0.1:1/inside"
                await #expect(throws: Refused(url: target)) {
                    try await engine.fetch(url: server.url("/redirect-to?url=\(target)"), checkRedirect: { throw Refused(url: $0) })
                }
            }
        }
    }
}
