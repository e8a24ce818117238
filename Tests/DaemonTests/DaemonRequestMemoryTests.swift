import Foundation
import JSON
import Testing
import TestSupport

/// Request memory is the operator's to set, through the real binary.
@Suite(.serialized) struct DaemonRequestMemoryTests {
    @Test func aClientCannotRaiseTheBodyCeiling() async throws {
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--max-body-bytes", "65536"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let raised = try await client.request(["op": "crawl", "url": .string(site.url("/big?bytes=100000")), "config": ["max_body_bytes": 1_073_741_824]]).answer
        #expect(raised["error"]?.objectValue?["code"] == "bad_request")
        #expect(raised["error"]?.objectValue?["message"]?.stringValue?.contains("65536") == true, "the message names the ceiling: \(raised)")
        let job = try await client.request(["op": "job.submit", "urls": [.string(site.url("/redirect/0"))], "config": ["max_body_bytes": 1_073_741_824]]).answer
        #expect(job["error"]?.objectValue?["code"] == "bad_request", "a job's config is held to the same ceiling: \(job)")
        // Without a config of its own the engine's default (10 MiB) is lowered to the ceiling.
        let plain = try await client.request(["op": "crawl", "url": .string(site.url("/big?bytes=100000"))]).answer
        #expect(plain["error"]?.objectValue?["code"] == "fetch_failed")
        #expect(plain["error"]?.objectValue?["message"]?.stringValue?.contains("body_too_large") == true, "\(plain)")
        // Lowering stays the client's choice.
        let lowered = try await client.request(["op": "crawl", "url": .string(site.url("/big?bytes=2000")), "config": ["max_body_bytes": 1000]]).answer
        #expect(lowered["error"]?.objectValue?["message"]?.stringValue?.contains("body_too_large") == true, "\(lowered)")
        let fits = try await client.request(["op": "crawl", "url": .string(site.url("/big?bytes=2000"))]).answer
        #expect(fits["ok"] == true)
        await client.close()
    }

    /// A page larger than the request-memory budget allows is refused with
    /// `memory_pressure` once its body is in, and the next page is served.
    @Test func aPageOverTheMemoryBudgetIsRefused() async throws {
        let site = try await TestHTTPServer.start()
        defer { site.stop() }
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--request-memory", "\(4 << 20)"]
        )
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let big = try await client.request(["op": "crawl", "url": .string(site.url("/big?bytes=3000000"))]).answer
        #expect(big["error"]?.objectValue?["code"] == "memory_pressure", "\(big)")
        let small = try await client.request(["op": "crawl", "url": .string(site.url("/big?bytes=1000"))]).answer
        #expect(small["ok"] == true)
        await client.close()
    }

    /// A 40 MB page of ordinary markup (blocks, links, paragraphs), allowed
    /// by the operator, costs crawld at most five times its size over its
    /// resident memory before, or is refused with a clear error. (Its libxml2
    /// tree alone is ten times its size: it is refused, after its body, and
    /// only its body, was read.)
    @Test func aFortyMegabytePagePeaksUnderFiveTimesItsSize() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        // Built as bytes: 250,000 String replacements took a minute of a
        // debug build's cooperative thread, which every other test shares.
        let head = Array(#"<div class="item"><h2><a href="/p/"#.utf8)
        let tail = Array(#"</a></h2><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.</p></div>"#.utf8)
        var html = Array("<!doctype html><html><head><title>forty</title></head><body>\n".utf8)
        html.reserveCapacity(40_100_000)
        var index = 0
        while html.count < 40_000_000 {
            let number = Array(String(index).utf8)
            html += head + number + Array(#"">Item "#.utf8) + number + tail + [UInt8(ascii: "\n")]
            index += 1
        }
        html += Array("</body></html>\n".utf8)
        try Data(html).write(to: root.url.appendingPathComponent("forty.html"))
        let size = html.count
        let site = try await TestHTTPServer.start(root: root.path)
        defer { site.stop() }
        let daemon = try await DaemonProcess.start(
            arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--max-body-bytes", "\(64 << 20)"]
        )
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        _ = try await client.request(["op": "crawl", "url": .string(site.url("/redirect/0"))])
        let baseline = try #require(daemon.residentMemory).now
        let answer = try await client.request(
            ["op": "crawl", "url": .string(site.url("/forty.html")), "config": ["max_body_bytes": .int(Int64(64 << 20))]], timeout: .seconds(120)
        ).answer
        let peak = try #require(daemon.residentMemory).peak
        #expect(peak - baseline <= 5 * size, "peak \(peak >> 20) MiB over a baseline of \(baseline >> 20) MiB for a \(size >> 20) MiB page")
        if answer["ok"] == true {
            #expect(answer["bytes"]?.intValue == Int64(size))
        } else {
            #expect(answer["error"]?.objectValue?["code"] == "memory_pressure", "refused with a clear error: \(answer)")
        }
        #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        await client.close()
    }
}
