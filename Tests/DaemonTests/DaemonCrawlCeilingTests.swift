import Foundation
import JSON
import Testing
import TestSupport

/// The crawl ceilings through the real binary, run with a file-descriptor
/// limit of 256 so that the attack stays small.
@Suite(.serialized) struct DaemonCrawlCeilingTests {
    /// One client (127.0.0.1): 8 connections, each sending 64 crawls spread over the silent site's ports.
    private func attack(_ daemon: DaemonProcess, silent: SilentTCPServer, timeoutMilliseconds: Int) async throws -> [LineClient] {
        var attackers: [LineClient] = []
        for connection in 0..<8 {
            let client = try await daemon.connect()
            for index in 0..<64 {
                let url = silent.urls[(connection * 64 + index) % silent.urls.count]
                try await client.send(["id": .int(Int64(index)), "op": "crawl", "url": .string(url), "timeout_ms": .int(Int64(timeoutMilliseconds))])
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

        let attackers = try await attack(daemon, silent: silent, timeoutMilliseconds: 60_000)
        // Past its ceiling the attacker waits 1 s, then gets busy. Reads fail
        // softly (nil) so that every client is closed whatever happens.
        let first = try? await attackers[0].readJSON(timeout: .seconds(20))?.objectValue
        #expect(first?["error"]?.objectValue?["code"] == "busy", "\(String(describing: first))")

        let other = try await LineClient.connect(port: daemon.port, from: "127.0.0.2")
        let start = ContinuousClock.now
        let pong = try? await other.request(["op": "ping"], timeout: .seconds(5)).answer
        #expect(pong?["ok"] == true)
        #expect(ContinuousClock.now - start < .seconds(1), "a fresh ping answers within 1 s")
        let page = try? await other.request(["op": "crawl", "url": .string(site.url("/redirect/0"))], timeout: .seconds(30)).answer
        #expect(page?["ok"] == true, "another client's crawl of a healthy site succeeds: \(String(describing: page))")
        #expect(page?["title"] == "end of redirects")

        await other.close()
        for client in attackers { await client.close() }
        await silent.stop()
    }

    /// With ceilings the operator set above what the descriptors allow, the
    /// same attack runs crawld out of descriptors: each crawl that cannot
    /// get one is answered `resource_exhausted`, nothing crashes, and once
    /// the crawls have ended a fresh `ping` answers within 1 s.
    @Test func runningOutOfDescriptorsIsAPerRequestError() async throws {
        let silent = try await SilentTCPServer.start(ports: 40)
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--max-crawls-in-flight", "5000", "--max-crawls-per-client", "5000"],
            openFileLimit: 256
        )
        defer { Task { await daemon.stop() } }
        let attackers = try await attack(daemon, silent: silent, timeoutMilliseconds: 3000)
        var codes: [String: Int] = [:]
        for client in attackers {
            for _ in 0..<64 {
                guard let answer = try? await client.readJSON(timeout: .seconds(30)) else { break }
                codes[answer.objectValue?["error"]?.objectValue?["code"]?.stringValue ?? "ok", default: 0] += 1
            }
        }
        #expect(codes["resource_exhausted", default: 0] > 0, "\(codes)")
        #expect(Set(codes.keys).isSubset(of: ["resource_exhausted", "timeout"]), "\(codes)")
        #expect(codes.values.reduce(0, +) == 8 * 64, "every crawl is answered: \(codes)")
        for client in attackers { await client.close() }

        let start = ContinuousClock.now
        let other = try await LineClient.connect(port: daemon.port, from: "127.0.0.2")
        let pong = try? await other.request(["op": "ping"], timeout: .seconds(5)).answer
        #expect(pong?["ok"] == true)
        #expect(ContinuousClock.now - start < .seconds(1), "a fresh ping answers within 1 s")
        await other.close()
        await silent.stop()
    }
}
