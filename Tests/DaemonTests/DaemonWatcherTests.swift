import Foundation
import JSON
import Testing
import TestSupport

/// Job watchers that do not read (issue 20 item 6): each is bounded by
/// bytes and dropped with `slow_consumer`; watches have ceilings (`busy`).
@Suite(.serialized) struct DaemonWatcherTests {
    private func submit(_ client: LineClient, _ site: JobSiteServer, pages: Int, concurrency: Int) async throws -> String {
        let answer = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "max_pages": .int(Int64(pages)),
            "concurrency": .int(Int64(concurrency)), "output": "watched.jsonl",
        ]).answer
        return try #require(answer["job"]?.stringValue)
    }

    /// Requests the daemon has started and not yet answered (each open watch is one).
    private func inFlight(_ client: LineClient) async throws -> Int64 {
        try await client.request(["op": "monitor.health"]).answer["in_flight"]?.intValue ?? 0
    }

    @Test func twoHundredUnreadWatchersAreDroppedAndMemoryStaysBounded() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // More pages than the 4,096 events a runner's stream buffers per
        // watcher; records of ~5 KB so that each watcher's socket buffers
        // (about a megabyte on loopback) fill after a few hundred pages.
        let pages = 4500
        let site = try JobSiteServer(pages: pages, latencyMs: 2, extraLinks: 100)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { control in
            let (watchers, growth) = try await daemon.peakResidentGrowth(settle: .seconds(2)) {
                let job = try await submit(control, site, pages: pages, concurrency: 16)
                var watchers: [StalledClient] = []
                for n in 0..<200 {
                    let watcher = try StalledClient(port: daemon.port)
                    try watcher.send(#"{"id":\#(n),"op":"job.watch","job":"\#(job)","pages":true}"# + "\n")
                    watchers.append(watcher)
                }
                // Once all 200 watches run (the monitor counts them in flight), while they go unread:
                #expect(try await pollUntil(seconds: 120) { try await inFlight(control) >= 200 })
                try await expectPingWithinOneSecond(daemon, token: nil)
                #expect(try await pollUntil(seconds: 600) { try await jobStatus(control, job)["state"]?.stringValue == "completed" }, "dropping watchers does not stop the job")
                return watchers
            }
            #expect(growth < 150_000_000, "200 unread watchers of a \(pages)-page job grew RSS by \(growth / 1_000_000) MB")
            try await expectPingWithinOneSecond(daemon, token: nil)
            let seen = watchers[0].read(until: "slow_consumer")
            #expect(seen.contains(#""code":"slow_consumer""#), "an unread watcher ends with slow_consumer")
        }
    }

    @Test func watchesPastTheCeilingsAreBusy() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 50, latencyMs: 500)
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--max-watchers", "20"])
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { control in
            let job = try await submit(control, site, pages: 50, concurrency: 1)
            /// Sends `count` watches on `client`; the first final answer is a refusal.
            func watch(_ count: Int, on client: LineClient) async throws -> String? {
                for n in 0..<count { try await client.send(JSONValue.object(["id": .int(Int64(n)), "op": "job.watch", "job": .string(job)])) }
                while let line = try await client.readJSON(timeout: .seconds(30))?.objectValue {
                    if line["ok"] != nil { return line["error"]?.objectValue?["message"]?.stringValue }
                }
                return nil
            }
            try await daemon.withClient { first in
                let refusal = try await watch(17, on: first)
                #expect(refusal?.contains("on this connection") == true, "the 17th watch of one connection is busy")
                try await daemon.withClient { second in
                    let refusal = try await watch(5, on: second)
                    #expect(refusal?.contains("on this daemon") == true, "the 21st watch of the daemon is busy")
                }
            }
            _ = try await control.request(["op": "job.cancel", "job": .string(job)])
        }
    }
}
