import Foundation
import JSON
import Testing
import TestSupport

/// `fit_markdown` and `query` through the real binary: on the `crawl` op, refused with
/// `bad_request` when asked wrongly, and as a job option carried by every record.
@Suite struct DaemonFitMarkdownTests {
    static let page = """
        <html><head><title>Kettles</title></head><body>
        <nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
        <main><h1>Descaling a kettle</h1>
        <p>Citric acid removes the white crust from the element without any smell, unlike vinegar.</p>
        <h2>Storage</h2><p>Keep the kettle dry between uses so that limescale builds up more slowly.</p></main>
        <footer>Copyright Kettle Club</footer></body></html>
        """

    /// A daemon for jobs, an HTTP server with `page` at `/kettle.html`, and a client of the daemon.
    private func withKettleSite(_ body: (TestHTTPServer, LineClient) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Self.page.write(to: folder.url.appendingPathComponent("kettle.html"), atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer(root: folder.path) { server in
            let client = try await daemon.connect()
            try await body(server, client)
            await client.close()
        }
    }

    @Test func crawlAnswersWithTheMainContentAndItsQueryFilter() async throws {
        try await withKettleSite { server, client in
            let url: JSONValue = .string(server.url("/kettle.html"))
            let fit = try await client.request(["op": "crawl", "url": url, "formats": ["fit_markdown"]]).answer
            let markdown = try #require(fit["fit_markdown"]?.stringValue, "\(fit)")
            #expect(markdown.hasPrefix("# Descaling a kettle\n"))
            #expect(markdown.contains("## Storage") && !markdown.contains("Home") && !markdown.contains("Copyright"))
            #expect(fit["markdown"] == nil, "only the asked formats")

            let filtered = try await client.request(["op": "crawl", "url": url, "formats": ["fit_markdown"], "query": "limescale dry"]).answer
            #expect(filtered["fit_markdown"]?.stringValue == "# Descaling a kettle\n\n## Storage\n\nKeep the kettle dry between uses so that limescale builds up more slowly.\n")

            let alone = try await client.request(["op": "crawl", "url": url, "query": "limescale"]).answer
            #expect(alone["ok"] == false && alone["error"]?.objectValue?["code"] == "bad_request")
            let typo = try await client.request(["op": "crawl", "url": url, "formats": ["fit-markdown"]]).answer
            #expect(typo["error"]?.objectValue?["message"]?.stringValue?.contains("fit_markdown") == true)
            #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        }
    }

    @Test func jobRecordsCarryTheAskedFormats() async throws {
        try await withKettleSite { server, client in
            let submit: JSONValue = [
                "op": "job.submit", "urls": [.string(server.url("/kettle.html"))], "follow_links": false, "obey_robots": false,
                "formats": ["fit_markdown"], "query": "citric acid", "watch": true,
            ]
            let summary = try await client.request(submit).answer
            let job = try #require(summary["job"]?.stringValue, "\(summary)")
            let results = try await client.request(["op": "job.results", "job": .string(job)]).answer
            let record = try #require(results["records"]?.arrayValue?.first?.objectValue, "\(results)")
            #expect(record["fit_markdown"]?.stringValue?.contains("Citric acid removes the white crust") == true)
            #expect(record["fit_markdown"]?.stringValue?.contains("Storage") == false)
            let wrong = try await client.request(["op": "job.submit", "urls": [.string(server.url("/"))], "formats": ["html"]]).answer
            #expect(wrong["error"]?.objectValue?["code"] == "bad_request")
        }
    }
}
