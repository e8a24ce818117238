import Foundation
import JSON
import Synchronization
import Testing
import TestSupport

/// The crawl ceilings through the real binary, run with a file-descriptor
/// limit of 256 so that the attack stays small.
@Suite(.serialized) struct DaemonCrawlCeilingTests {
    /// One client (127.0.0.1): `connections` connections, each sending
    /// `crawls` crawls spread over the silent site's ports.
    private func attack(_ daemon: DaemonProcess, silent: SilentTCPServer, connections: Int, crawls: Int) async throws -> [LineClient] {
        var attackers: [LineClient] = []
        for connection in 0..<connections {
            let client = try await daemon.connect()
            for index in 0..<crawls {
                let url = silent.urls[(connection * crawls + index) % silent.urls.count]
                try await client.send(["id": .int(Int64(index)), "op": "crawl", "url": .string(url), "timeout_ms": 60_000])
            }
            attackers.append(client)
        }
        return attackers
    }

    /// One client (127.0.0.1) opens 8 connections × 64 crawls against a site
    /// that accepts and never answers, spread over 40 ports (an engine keeps
    /// a few connections per host and port): 320 sockets without a ceiling,
    /// more than crawld's 256 descriptors. Another client (127.0.0.2) must
    /// still crawl a healthy site, and a fresh `ping` answers within 1 s.
    @Test func oneClientsHangingCrawlsLeaveRoomForOthers() async throws {
        let silent = try await SilentTCPServer.start(ports: 40)
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"], openFileLimit: 256)
        defer { Task { await daemon.stop() } }

        let attackers = try await attack(daemon, silent: silent, connections: 8, crawls: 64)
        // Past its ceiling the attacker waits 1 s, then gets busy. Reads fail
        // softly (nil) so that every client is closed whatever happens.
        let first = try? await attackers[0].readJSON(timeout: .seconds(20))?.objectValue
        #expect(first?["error"]?.objectValue?["code"] == "busy", "\(String(describing: first))")

        let (other, page) = try await anotherClientsCrawl(daemon, site)
        #expect(page?["title"] == "end of redirects")

        await other.close()
        for client in attackers { await client.close() }
        await silent.stop()
    }

    /// Ceilings the operator set above what 256 descriptors allow are
    /// lowered to fit: 48 connections × 16 crawls against the silent site
    /// never take crawld to its limit (running out would let libdispatch
    /// crash it), and another client still gets in, crawls and pings.
    @Test func ceilingsSetTooHighAreLoweredToTheDescriptorLimit() async throws {
        let silent = try await SilentTCPServer.start(ports: 40)
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let daemon = try await DaemonProcess.start(
            arguments: [
                "--config", ScriptFolder.shipped, "--redis", "none",
                "--max-crawls-in-flight", "5000", "--max-connections", "10000",
            ],
            openFileLimit: 256
        )
        defer { Task { await daemon.stop() } }
        let attackers = try await attack(daemon, silent: silent, connections: 48, crawls: 16)
        // Sampled from the first crawl until the attacker's first answer
        // (`busy` past a ceiling, or its crawl's own timeout against the
        // silent site): every crawl was sent before, so until then the whole
        // attack is in flight or waiting, and the descriptors at their most.
        let answered = Atomic<Bool>(false)
        let firstAnswer = Task {
            defer { answered.store(true, ordering: .releasing) }
            return try? await attackers[0].readJSON(timeout: .seconds(120))
        }
        var most = 0
        _ = await pollUntil(seconds: 180) {
            most = max(most, Self.openDescriptors(daemon.pid))
            return answered.load(ordering: .acquiring)
        }
        #expect(await firstAnswer.value != nil, "the attacker's crawls end, by busy or by their timeout")
        #expect(most > 0 && most < 256, "crawld held \(most) descriptors of 256")

        let (other, _) = try await anotherClientsCrawl(daemon, site)
        await other.close()
        for client in attackers { await client.close() }
        await silent.stop()
    }

    /// Clients on 60 addresses open 240 connections to the `--http` listener
    /// and hold them: half send nothing, half a request with a method the HTTP parser
    /// rejects, which the listener neither answers nor closes. Without a
    /// ceiling of its own the listener accepted them all and took crawld to
    /// its 256 descriptors, where the line protocol could not accept a ping.
    /// Past its ceiling (16 of 256) they now wait in the kernel's backlog:
    /// crawld stays under its limit, another client pings and crawls, and the
    /// listener answers again once they are gone.
    @Test func heldHTTPConnectionsLeaveRoomForOthers() async throws {
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"], openFileLimit: 256)
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        var held: [LineClient] = []
        for index in 0..<240 {
            // 4 from each address: its share (`oneAddressHoldsAQuarterOfTheHTTPPlaces`) is not what stops them.
            let client = try await LineClient.connect(port: http.port, from: "127.0.1.\(1 + index / 4)")
            if index.isMultiple(of: 2) { try await client.send(raw: Array("FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)) }
            held.append(client)
        }
        var most = 0
        _ = await pollUntil(seconds: 2) {
            most = max(most, Self.openDescriptors(daemon.pid))
            return false
        }
        #expect(most > 0 && most < 200, "crawld held \(most) descriptors of 256")

        let (other, page) = try await anotherClientsCrawl(daemon, site)
        #expect(page?["title"] == "end of redirects")
        await other.close()
        for client in held { await client.close() }
        let health = try await http.get("/monitor/health")
        #expect(health.status == 200)
    }

    /// One address holds at most a quarter of the `--http` listener's places
    /// (4 of 16 on 256 descriptors): its connections past that are closed at
    /// once, and a client from another address is answered while the first
    /// one's connections sit silent. On main one address held all 16, and the
    /// other client waited in the kernel's backlog until a deadline freed a place.
    @Test func oneAddressHoldsAQuarterOfTheHTTPPlaces() async throws {
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"], openFileLimit: 256)
        defer { Task { await daemon.stop() } }
        let http = HTTPTestClient(base: try await daemon.httpBase())
        let health = http.healthRequest
        var held: [LineClient] = []
        for _ in 0..<40 { held.append(try await LineClient.connect(port: http.port)) }

        let extra = try await LineClient.connect(port: http.port)
        try await extra.send(raw: health)
        #expect(try await extra.readLine(timeout: .seconds(10)) == nil, "a connection past its address's share was not closed")
        let other = try await LineClient.connect(port: http.port, from: "127.0.0.2")
        try await other.send(raw: health)
        #expect(try await other.readLine(timeout: .seconds(10))?.hasPrefix("HTTP/1.1 200") == true)

        await other.close()
        await extra.close()
        for client in held { await client.close() }
        #expect(await pollUntil(seconds: 10) { (try? await http.get("/monitor/health"))?.status == 200 }, "the address's places were not given back")
    }

    private static func openDescriptors(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? 0
    }

    /// A client from another address: its fresh `ping` answers within 1 s and
    /// its crawl of a healthy site succeeds while the attack goes on.
    /// - Returns: the client (for the caller to close) and the crawl's answer.
    private func anotherClientsCrawl(_ daemon: DaemonProcess, _ site: TestHTTPServer) async throws -> (LineClient, JSONObject?) {
        let other = try await LineClient.connect(port: daemon.port, from: "127.0.0.2")
        let start = ContinuousClock.now
        let pong = try? await other.request(["op": "ping"], timeout: .seconds(5)).answer
        #expect(pong?["ok"] == true)
        #expect(ContinuousClock.now - start < .seconds(1), "a fresh ping answers within 1 s")
        let page = try? await other.request(["op": "crawl", "url": .string(site.url("/redirect/0"))], timeout: .seconds(30)).answer
        #expect(page?["ok"] == true, "another client's crawl of a healthy site succeeds: \(String(describing: page))")
        return (other, page)
    }
}
