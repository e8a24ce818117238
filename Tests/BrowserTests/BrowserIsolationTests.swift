import Synchronization
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    /// Issue 19 items 1 and 4 for the browser: Chromium connects only where
    /// crawld's check looked. Under `--deny-private` every connection goes
    /// through the browser's proxy, which connects to the address the check
    /// handed back; Chromium resolves no name itself.
    @Suite
    struct BrowserIsolationTests {
        /// A name that rebinds: its first answer is 127.0.0.2 (standing for a
        /// public site, the one address the rule allows) and every later one is
        /// 127.0.0.1, where the private server listens on the same port. The
        /// name is under `.localhost`, which Chromium would resolve to 127.0.0.1
        /// on its own: a browser that resolved the name itself, rather than
        /// connecting where the check looked, reaches the private server.
        @Test func aRebindingNameIsConnectedWhereTheCheckLooked() async throws {
            let site = try await PageServer(host: "127.0.0.2")
            let secret = try await PageServer(host: "127.0.0.1", port: site.port)
            let lookups = Mutex(0)
            let rebinding = BrowserAddressGuard { host throws(EngineError) in
                let first = lookups.withLock { count in
                    count += 1
                    return count == 1
                }
                guard host == "rebind.localhost", first, let address = IPAddress("127.0.0.2") else {
                    throw EngineError(.blockedAddress, "\(host): 127.0.0.1 is a loopback address (refused by --deny-private)")
                }
                return [address]
            }
            let result = try await withBrowser(addressGuard: rebinding) { engine in
                try await engine.render(url: "http://rebind.localhost:\(site.port)/small", options: RenderOptions(timeout: .seconds(20)))
            }
            #expect(result.html.contains("Small page"))
            #expect(site.received("/small"))
            #expect(!secret.receivedAny, "the private server was reached")
            #expect(lookups.withLock { $0 } == 1)
        }

        /// Through the proxy a large page arrives whole, its end included,
        /// when the server ends it by closing the connection.
        @Test func aLargePageCrossesTheProxyWhole() async throws {
            let site = try await PageServer(host: "127.0.0.2")
            let result = try await withBrowser(addressGuard: BrowserDenyPrivateTests.guardAllowingOnlyTheSite) { engine in
                try await engine.render(url: site.url("/big?20000"), options: RenderOptions(timeout: .seconds(60)))
            }
            #expect(result.html.contains("<p>row 19999</p><p id=\"end\">END</p>"))
        }

        /// Issue 19 item 1: WebRTC (STUN, TURN over TCP, a remote candidate),
        /// WebTransport, preconnect, dns-prefetch and prefetch towards
        /// 127.0.0.1 from a page the rule allows: not one datagram or
        /// connection reaches the listeners while the page keeps trying.
        @Test func sideChannelsReachNoRefusedAddress() async throws {
            let site = try await PageServer(host: "127.0.0.2")
            let traffic = try await TrafficCounter.start()
            let result = try await withBrowser(addressGuard: BrowserDenyPrivateTests.guardAllowingOnlyTheSite) { engine in
                try await engine.render(url: sideChannels(site, traffic), options: RenderOptions(waitForSelector: "#done", timeout: .seconds(20)))
            }
            await traffic.stop()
            #expect(result.html.contains("rtc:started"))
            #expect(result.html.contains("webtransport:started"))
            #expect(traffic.datagrams == 0)
            #expect(traffic.connections == 0)
        }

        /// The same page without the rule does reach both listeners: the
        /// counters can tell, so the test above can fail.
        @Test func withoutTheRuleSideChannelsReachTheListeners() async throws {
            let site = try await PageServer(host: "127.0.0.2")
            let traffic = try await TrafficCounter.start()
            let heard = try await withBrowser { engine in
                _ = try await engine.render(url: sideChannels(site, traffic), options: RenderOptions(waitForSelector: "#done", timeout: .seconds(20)))
                return await pollUntil(seconds: 10) { traffic.datagrams > 0 && traffic.connections > 0 }
            }
            await traffic.stop()
            #expect(heard)
        }

        private func sideChannels(_ site: PageServer, _ traffic: TrafficCounter) -> String {
            site.url("/sidechannels?udp=\(traffic.udpPort)&tcp=\(traffic.tcpPort)")
        }
    }
}
