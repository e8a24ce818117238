import Foundation
import JSON
import Testing
import TestSupport

/// `job.results` through the real binary on a site whose pages carry 100,000
/// links each (issue 20.7): every answer stays under its `max_bytes`, records
/// carry a capped, counted list of links, pages chained by `next` return
/// every record exactly once, and another client's `job.status` answers meanwhile.
@Suite(.serialized) struct DaemonJobResultsTests {
    static let pages = 8
    static let linksPerPage = 100_000

    @Test func resultsArePagedByBytesAndEveryRecordComesOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.url.appendingPathComponent("site").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for page in 0..<Self.pages {
            let links = (0..<Self.linksPerPage).map { "<a href=\"/l/\(page)/\($0)\">x</a>\n" }.joined()
            try Data("<html><head><title>P\(page)</title></head><body>\n\(links)</body></html>\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/\(page).html"))
        }
        let site = try await TestHTTPServer.start(root: root)
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", ScriptFolder.shipped, "--redis", "none",
            "--output-dir", folder.url.appendingPathComponent("output").path,
            "--state-dir", folder.url.appendingPathComponent("state").path,
        ])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let urls = (0..<Self.pages).map { site.url("/\($0).html") }
        let submitted = try await client.request(
            [
                "op": "job.submit", "urls": .array(urls.map(JSONValue.string)), "follow_links": false, "extract": false,
                "output": "big.jsonl", "watch": true,
            ], timeout: .seconds(300)
        ).answer
        #expect(submitted["state"] == "completed" && submitted["succeeded"] == .int(Int64(Self.pages)), "\(submitted)")
        let job = try #require(submitted["job"]?.stringValue)

        // Another client's job.status answers within a second all along: the reads are off the manager.
        let watcher = try await daemon.connect()
        let paging = Task {
            var slowest = Duration.zero
            while !Task.isCancelled {
                let start = ContinuousClock.now
                // The cancel below may land inside a request: that one is cut, not slow.
                do { _ = try await jobStatus(watcher, job) } catch is CancellationError { break }
                slowest = max(slowest, ContinuousClock.now - start)
            }
            return slowest
        }
        for maxBytes in [65_536, 1 << 20] {
            var seen: [String] = []
            var cursor: JSONValue = .null
            var answers = 0
            repeat {
                var request: JSONObject = ["id": "r", "op": "job.results", "job": .string(job), "limit": 1000, "max_bytes": .int(Int64(maxBytes))]
                if cursor != .null { request["cursor"] = cursor }
                try await client.send(.object(request))
                let line = try #require(try await client.readLine(timeout: .seconds(60)))
                #expect(line.utf8.count <= maxBytes, "an answer of \(line.utf8.count) bytes over max_bytes \(maxBytes)")
                let answer = try #require(try JSONValue.parse(line).objectValue)
                let records = try #require(answer["records"]?.arrayValue, "\(line.prefix(300))")
                #expect(!records.isEmpty && answer["total"] == .int(Int64(Self.pages)))
                for record in records.compactMap(\.objectValue) {
                    seen.append(record["url"]?.stringValue ?? "")
                    let links = record["links"]?.arrayValue?.count ?? 0
                    #expect(links > 0 && links <= 1000)
                    #expect(record["links_truncated"] == .int(Int64(Self.linksPerPage - links)))
                }
                cursor = answer["next"] ?? .null
                answers += 1
            } while cursor != .null && answers < 100
            #expect(seen.sorted() == urls.sorted(), "max_bytes \(maxBytes)")
            if maxBytes == 65_536 { #expect(answers > 1) }
        }
        paging.cancel()
        let slowest = try await paging.value
        #expect(slowest < .seconds(1), "job.status took \(slowest) during job.results")
        await watcher.close()
        let forged = try await client.request(["op": "job.results", "job": .string(job), "cursor": "1:7"]).answer
        #expect(forged["error"]?.objectValue?["code"] == "bad_request")
        await client.close()
    }
}
