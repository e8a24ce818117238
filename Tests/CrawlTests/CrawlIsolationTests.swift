import Crawl
import Engines
import JSON
import LuaBridge
import Testing
import TestSupport

/// What one client's request can make crawld do for another's, or to the
/// network: the engine choice, the proxy, and `--deny-private`'s answers.
@Suite struct CrawlIsolationTests {
    /// A request whose `engine_for` call fails is not served with the choice
    /// made for the request before it (which carried that client's headers).
    @Test func aFailingEngineForFailsItsRequestInsteadOfReusingAnotherRequestsChoice() async throws {
        let boom: (String) -> String = {
            $0.replacing(
                "function M.engine_for(url, request)\n",
                with: """
                    function M.engine_for(url, request)
                      if request.config and request.config.boom then error("boom") end

                    """, maxReplacements: 1)
        }
        try await CrawlFixture.with(policies: boom) { fixture in
            try await withTestHTTPServer { server in
                let first = try await fixture.crawler.crawl(Self.headersRequest(server, config: ["headers": ["x-tenant": "A"]]))
                #expect(try Self.echoedHeaders(first)["x-tenant"] == "A")
                let failed = await #expect(throws: LuaError.self) {
                    try await fixture.crawler.crawl(Self.headersRequest(server, config: ["boom": true]))
                }
                #expect(failed?.message.hasSuffix("boom") == true)
            }
        }
    }

    /// A config nested deeper than the Lua bridge pushes (200) used to fail
    /// inside `engine_for` and get the last request's choice; it is refused
    /// before Lua now, at the one limit every config meets.
    @Test func aConfigTooDeepIsRefusedBeforeLuaAndNeverCarriesAnotherClientsHeaders() async throws {
        try await CrawlFixture.with { fixture in
            try await withTestHTTPServer { server in
                _ = try await fixture.crawler.crawl(Self.headersRequest(server, config: ["headers": ["x-tenant": "A"]]))
                let refused = await #expect(throws: CrawlError.self) {
                    try await fixture.crawler.crawl(Self.headersRequest(server, config: nestedObject(levels: 300)))
                }
                #expect(refused?.code == .badRequest)
                #expect(refused?.message.hasPrefix("'config' nests deeper than 32 levels at config.a.a") == true)
            }
        }
    }

    @Test func configLimits() throws {
        try EngineConfigLimits.check(nestedObject(levels: 32))
        #expect(throws: CrawlError.self) { try EngineConfigLimits.check(nestedObject(levels: 33)) }
        let wide = JSONObject(uniqueKeysWithValues: (0..<600).map { ("k\($0)", JSONValue.int(1)) })
        #expect(throws: CrawlError(.badRequest, "'config' has more than 1000 keys and values")) { try EngineConfigLimits.check(wide) }
        let long: JSONObject = ["headers": ["cookie": .string(String(repeating: "x", count: 16 * 1024 + 1))]]
        #expect(throws: CrawlError(.badRequest, "'config' has a string longer than 16384 bytes at config.headers.cookie")) {
            try EngineConfigLimits.check(long)
        }
    }

    // MARK: - Proxies

    /// A client names a proxy policies.lua declares; the engine goes through it.
    @Test func aDeclaredProxyIsUsedByName() async throws {
        try await withTestHTTPServer { proxy in
            try await CrawlFixture.with(policies: Self.declaring(["corp": "http://127.0.0.1:\(proxy.port)"])) { fixture in
                try await withTestHTTPServer(tls: true) { target in
                    let request = CrawlRequest(url: target.url("/status/200"), config: ["proxy": "corp", "verify_tls": false], extract: false)
                    let page = try await fixture.crawler.crawl(request)
                    #expect(page.status == 200)
                }
                let counts = try await fixture.crawler.crawl(CrawlRequest(url: proxy.url("/connections"), extract: false, formats: [.text]))
                #expect(try JSONValue.parse(counts.text ?? "").objectValue?["tunnels"] == 1)
            }
        }
    }

    /// A proxy URL from a client is refused before anything is connected to,
    /// with the same answer for an open port, a closed one and an unknown
    /// name: no reaching loopback services, no port scanning.
    @Test func aProxyURLOrUnknownNameIsRefusedTheSameWhateverThePort() async throws {
        try await CrawlFixture.with(policies: Self.declaring(["corp": "http://127.0.0.1:9"])) { fixture in
            try await withTestHTTPServer { server in
                var messages: Set<String> = []
                for proxy in ["http://127.0.0.1:\(server.port)", "http://127.0.0.1:1", "socks5://127.0.0.1:\(server.port)", "nope"] {
                    let refused = await #expect(throws: CrawlError.self) {
                        try await fixture.crawler.crawl(CrawlRequest(url: server.url("/status/200"), config: ["proxy": .string(proxy)]))
                    }
                    #expect(refused?.code == .badRequest)
                    messages.insert(refused?.message ?? "")
                }
                #expect(messages == ["'proxy' must name a proxy declared in policies.lua's proxies table (declared: corp)"])
            }
        }
    }

    /// Under `--deny-private` a refused target answers `blocked_address` with
    /// one message whether its port is open or closed.
    @Test func denyPrivateAnswersOneWayForOpenAndClosedPorts() async throws {
        try await CrawlFixture.with(denyPrivate: true) { fixture in
            try await withTestHTTPServer { server in
                var answers: [CrawlError] = []
                for url in [server.url("/status/200"), "http://127.0.0.1:1/status/200"] {
                    let refused = await #expect(throws: CrawlError.self) { try await fixture.crawler.crawl(CrawlRequest(url: url)) }
                    answers.append(try #require(refused))
                }
                #expect(answers.map(\.code) == [.blockedAddress, .blockedAddress])
                #expect(answers[0].message == answers[1].message)
            }
        }
    }

    // MARK: - The host's own addresses

    /// A service bound to 0.0.0.0 answers on every address of this host, not
    /// only 127.0.0.1. Under `--deny-private` each of them is refused (the
    /// veth end is public-looking, so only the interface check catches it),
    /// while another machine's address, a network namespace's, is crawled.
    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs root and iproute2 (ip netns)"))
    func everyAddressOfThisHostIsRefusedAndAnotherMachineIsCrawled() async throws {
        let namespace = try NetworkNamespace(subnet: 2)
        defer { namespace.remove() }
        let everywhere = try await TestHTTPServer.start(bind: "0.0.0.0", host: namespace.hostAddress)
        defer { everywhere.stop() }
        try await CrawlFixture.with { open in
            let reached = try await open.crawler.crawl(CrawlRequest(url: everywhere.url("/status/200"), extract: false))
            #expect(reached.status == 200)
        }

        try await CrawlFixture.with(denyPrivate: true) { guarded in
            let own = HostAddresses.interfaceAddresses().filter(\.isIPv4).map(\.description)
            #expect(own.contains(namespace.hostAddress))
            for address in own {
                let refused = await #expect(throws: CrawlError.self) {
                    try await guarded.crawler.crawl(CrawlRequest(url: "http://\(address):\(everywhere.port)/status/200"))
                }
                #expect(refused?.code == .blockedAddress)
            }
            let refused = await #expect(throws: CrawlError.self) { try await guarded.crawler.crawl(CrawlRequest(url: everywhere.url("/status/200"))) }
            let host = namespace.hostAddress
            #expect(refused == CrawlError(.blockedAddress, "\(host): \(host) is an address of this host (refused by --deny-private)"))

            let other = try await TestHTTPServer.start(bind: namespace.namespaceAddress, namespace: namespace.name)
            defer { other.stop() }
            let crawled = try await guarded.crawler.crawl(CrawlRequest(url: other.url("/status/200"), extract: false))
            #expect(crawled.status == 200)
        }
    }

    // MARK: - Helpers

    private static func headersRequest(_ server: TestHTTPServer, config: JSONObject) -> CrawlRequest {
        CrawlRequest(url: server.url("/headers"), config: config, extract: false, formats: [.text])
    }

    private static func echoedHeaders(_ page: PageResult) throws -> JSONObject {
        try #require(try JSONValue.parse(page.text ?? "").objectValue)
    }

    private static func declaring(_ proxies: [String: String]) -> (String) -> String {
        let table = proxies.map { "\($0.key) = \"\($0.value)\"" }.joined(separator: ", ")
        return { $0.replacing("local proxies = {}", with: "local proxies = { \(table) }", maxReplacements: 1) }
    }
}
