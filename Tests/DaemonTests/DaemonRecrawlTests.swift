import Foundation
import JSON
import Testing
import TestSupport

/// Conditional recrawls through the real binary (issue 23): nginx serves
/// static files with real ETag and Last-Modified; between two crawls one
/// page changes and one is removed.
@Suite(.serialized) struct DaemonRecrawlTests {
    private func page(_ title: String, links: [String] = [], filler: Int = 0) -> String {
        let anchors = links.map { "<a href=\"\($0)\">\($0)</a>" }.joined()
        return "<html><head><title>\(title)</title></head><body>\(anchors)\(String(repeating: "x", count: filler))</body></html>"
    }

    /// The records of a JSONL output by URL.
    private func records(_ folder: TemporaryDirectory, _ name: String) throws -> [String: JSONObject] {
        let text = try String(contentsOf: folder.url.appendingPathComponent("output/\(name)"), encoding: .utf8)
        var byURL: [String: JSONObject] = [:]
        for line in text.split(separator: "\n") {
            let record = try #require(try JSONValue.parse(String(line)).objectValue)
            let url = try #require(record["url"]?.stringValue)
            #expect(byURL[url] == nil, "\(url) written twice")
            byURL[url] = record
        }
        return byURL
    }

    @Test func recrawlSendsValidatorsAndMarksEachChange() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try NginxServer()
        try site.write("index.html", page("home", links: ["a.html", "b.html", "c.html"]))
        for name in ["a", "b", "c"] { try site.write("\(name).html", page(name, filler: 5_000)) }
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let base = site.base

        let first = try await client.request(["op": "job.submit", "urls": [.string(base + "/index.html")], "output": "first.jsonl", "watch": true]).answer
        #expect(first["state"] == "completed", "\(first)")
        let firstRecords = try records(folder, "first.jsonl")
        #expect(firstRecords.count == 4)
        for record in firstRecords.values {
            #expect(record["etag"]?.stringValue?.isEmpty == false && record["last_modified"]?.stringValue?.isEmpty == false, "\(record)")
            #expect(record["content_sha256"]?.stringValue?.count == 64 && record["change"] == nil, "\(record)")
        }

        try site.write("b.html", page("b, edited", filler: 6_000))
        try site.remove("c.html")
        let logged = site.accesses().count
        let second = try await client.request([
            "op": "job.submit", "recrawl_of": .string(try #require(first["job"]?.stringValue)), "output": "second.jsonl", "watch": true,
        ]).answer
        #expect(second["state"] == "completed", "\(second)")
        let recrawled = try records(folder, "second.jsonl")
        #expect(
            recrawled.mapValues { $0["change"]?.stringValue ?? "-" } == [
                base + "/index.html": "unchanged", base + "/a.html": "unchanged", base + "/b.html": "changed", base + "/c.html": "gone",
            ])
        let unchanged = try #require(recrawled[base + "/a.html"])
        #expect(unchanged["status"] == 304 && unchanged["title"] == "a", "a 304 carries the earlier page: \(unchanged)")
        #expect(unchanged["content_sha256"] == firstRecords[base + "/a.html"]?["content_sha256"])
        #expect(recrawled[base + "/b.html"]?["title"] == "b, edited")
        let requests = site.accesses().dropFirst(logged).filter { $0.path.hasSuffix(".html") }
        #expect(requests.filter { $0.status == 304 }.map(\.path).sorted() == ["/a.html", "/index.html"], "\(requests)")
        #expect(requests.filter { $0.status == 304 }.allSatisfy { $0.bytes == 0 })
        let status = try await jobStatus(client, try #require(second["job"]?.stringValue))
        #expect(status["changes"] == ["changed": 1, "gone": 1, "unchanged": 2], "\(status)")

        try site.write("index.html", page("home", links: ["a.html", "b.html", "c.html", "d.html"]))
        try site.write("d.html", page("d"))
        let third = try await client.request([
            "op": "job.submit", "recrawl_of": .string(try #require(second["job"]?.stringValue)), "changes_only": true, "output": "third.jsonl",
            "watch": true,
        ]).answer
        #expect(third["state"] == "completed", "\(third)")
        let changes = try records(folder, "third.jsonl").mapValues { $0["change"]?.stringValue ?? "-" }
        #expect(changes == [base + "/index.html": "changed", base + "/d.html": "new"], "only the changes: \(changes)")
        await client.close()
    }

    @Test func recrawlOfTheSameOutputMovesTheEarlierFileAside() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try NginxServer()
        try site.write("index.html", page("home", links: ["a.html"]))
        try site.write("a.html", page("a"))
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let job: JSONObject = ["op": "job.submit", "urls": [.string(site.base + "/index.html")], "output": "site.jsonl", "recrawl": true, "watch": true]
        #expect(try await client.request(.object(job)).answer["state"] == "completed")
        #expect(try records(folder, "site.jsonl").values.allSatisfy { $0["change"] == "new" })
        try site.remove("a.html")
        #expect(try await client.request(.object(job)).answer["state"] == "completed")
        #expect(try records(folder, "site.jsonl").mapValues { $0["change"]?.stringValue ?? "-" } == [site.base + "/index.html": "unchanged", site.base + "/a.html": "gone"])
        #expect(try records(folder, "site.jsonl.previous").count == 2)
        await client.close()
    }

    @Test func badRecrawlParametersAreRefusedByName() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let cases: [(JSONObject, String, String)] = [
            (["recrawl_of": "j-nope"], "not_found", "recrawl_of"),
            (["urls": ["http://127.0.0.1:9/"], "recrawl": true], "bad_request", "recrawl"),
            (["urls": ["http://127.0.0.1:9/"], "changes_only": true], "bad_request", "changes_only"),
            (["urls": ["http://127.0.0.1:9/"], "previous_output": "../x.jsonl"], "bad_request", "-"),
        ]
        for (parameters, code, field) in cases {
            var request = parameters
            request["op"] = "job.submit"
            let error = try await client.request(.object(request)).answer["error"]?.objectValue
            #expect(error?["code"] == .string(code), "\(parameters): \(String(describing: error))")
            if field != "-" { #expect(error?["message"]?.stringValue?.contains("'\(field)'") == true, "\(parameters): \(String(describing: error))") }
        }
        await client.close()
    }
}

/// A recrawl killed mid-way resumes and still writes each page once (issue 23).
@Suite struct DaemonRecrawlResumeTests {
    static let pages = 60

    @Test func sigkillMidRecrawlThenResumeWritesEveryPageOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // The first crawl's 60 pages and 20 of the recrawl's are answered; the rest wait for `release()`,
        // after the kill, so that the recrawl is still running when it comes.
        let site = try JobSiteServer(pages: Self.pages, latencyMs: 150, holdAfter: Self.pages + 20)
        let first = try await DaemonProcess.startForJobs(in: folder)
        let client = try await first.connect()
        let crawl = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "concurrency": 4, "output": "first.jsonl", "watch": true,
        ]).answer
        #expect(crawl["state"] == "completed", "\(crawl)")
        let submitted = try await client.request([
            "op": "job.submit", "recrawl_of": .string(try #require(crawl["job"]?.stringValue)), "concurrency": 2, "output": "again.jsonl",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue)
        _ = try await pollUntil(seconds: 60) { (try await jobStatus(client, job)["crawled"]?.intValue ?? 0) >= 10 }
        #expect(try #require(try await jobStatus(client, job)["crawled"]?.intValue) < Int64(Self.pages))
        await client.close()
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        try await site.release()

        let second = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await second.stop() } }
        let again = try await second.connect()
        _ = try await pollUntil(seconds: 120) { try await jobStatus(again, job)["state"]?.stringValue == "completed" }
        #expect(try await jobStatus(again, job)["changes"] == ["unchanged": .int(Int64(Self.pages))])
        await again.close()
        try expectEveryPageOnce(folder.url.appendingPathComponent("output/again.jsonl"), site: site, pages: Self.pages)
        let text = try String(contentsOf: folder.url.appendingPathComponent("output/again.jsonl"), encoding: .utf8)
        #expect(text.split(separator: "\n").allSatisfy { (try? JSONValue.parse(String($0)))?.objectValue?["change"] == "unchanged" })
    }
}
