import Foundation
import JSON
import Testing
import TestSupport

/// Jobs seeded from sitemaps through the real binary, against nginx serving a
/// site whose robots.txt lists a sitemap index, a gzipped sitemap, one past
/// the protocol's 50,000 URLs and a gzip bomb (issue 23).
@Suite(.serialized) struct DaemonSitemapTests {
    /// robots.txt, an index of a gzipped sitemap (fresh) and a plain one (old), a
    /// sitemap of 50,001 URLs under /big/ and a gzip bomb; pages a, b (old), c, private.
    private func makeSite() throws -> NginxServer {
        let site = try NginxServer()
        let base = site.base
        try site.write(
            "robots.txt",
            "User-agent: *\nDisallow: /private/\nSitemap: \(base)/sitemap_index.xml\nSitemap: \(base)/big.xml\nSitemap: \(base)/bomb.xml.gz\n")
        try site.write(
            "sitemap_index.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>\(base)/pages.xml.gz</loc><lastmod>2026-03-01</lastmod></sitemap>
              <sitemap><loc>\(base)/old.xml</loc><lastmod>2025-01-01</lastmod></sitemap>
              <sitemap><loc>http://127.0.0.2:\(site.port)/elsewhere.xml</loc></sitemap>
            </sitemapindex>
            """)
        let pages = """
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>\(base)/a.html</loc><lastmod>2026-03-01T10:00:00+00:00</lastmod></url>
              <url><loc>\(base)/b.html</loc><lastmod>2025-06-01</lastmod></url>
              <url><loc>\(base)/c.html</loc></url>
              <url><loc>\(base)/private/p.html</loc></url>
              <url><loc>http://elsewhere.invalid/x.html</loc></url>
            </urlset>
            """
        try site.write("pages.xml.gz", try gzip(Array(pages.utf8)))
        try site.write("old.xml", "<urlset><url><loc>\(base)/old.html</loc></url></urlset>")
        let big = "<urlset>" + (0...50_000).map { "<url><loc>\(base)/big/\($0).html</loc></url>" }.joined() + "</urlset>"
        try site.write("big.xml", big)
        try site.write("bomb.xml.gz", try gzip(Array("<urlset><url><loc>\(base)/c.html</loc></url>".utf8) + Array(String(repeating: "<x/>", count: 16 << 20).utf8)))
        for page in ["index.html", "a.html", "b.html", "c.html", "old.html", "private/p.html", "big/0.html", "big/1.html", "big/2.html"] {
            try site.write(page, "<html><head><title>\(page)</title></head><body><a href=\"/never.html\">x</a></body></html>")
        }
        return site
    }

    @Test func robotsSitemapLinesAnIndexGzipSinceAndLimits() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try makeSite()
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let answer = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/")], "sitemaps": true, "since": "2026-01-01", "follow_links": false,
            "exclude": ["*/big/*"], "output": "site.jsonl", "watch": true,
        ]).answer
        #expect(answer["state"] == "completed", "\(answer)")
        let urls = try recordURLs(folder.url.appendingPathComponent("output/site.jsonl"))
        #expect(Set(urls) == [site.base + "/", site.base + "/a.html", site.base + "/c.html"] && urls.count == 3, "\(urls)")
        let status = try await jobStatus(client, try #require(answer["job"]?.stringValue))
        let sitemaps = try #require(status["sitemaps"]?.objectValue, "\(status)")
        #expect(sitemaps["files"] == 4, "index, big, bomb, pages.xml.gz: \(sitemaps)")
        #expect(sitemaps["urls"] == 3, "a, c and private/p (then refused by robots.txt): \(sitemaps)")
        #expect(sitemaps["older_than_since"] == 2, "b.html and old.xml: \(sitemaps)")
        #expect(sitemaps["errors"] == ["sitemap_other_origin": 1, "sitemap_too_large": 1, "sitemap_too_many_urls": 1], "\(sitemaps)")
        #expect(status["skipped"] == 1)
        let fetched = Set(site.accesses().map(\.path))
        #expect(!fetched.contains("/old.xml") && !fetched.contains("/b.html"), "nothing older than since is fetched")
        #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        await client.close()
    }

    @Test func listedSitemapsObeyRobotsAndMaxPages() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try makeSite()
        try site.write("private/hidden.xml", "<urlset><url><loc>\(site.base)/a.html</loc></url></urlset>")
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let answer = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/")], "sitemaps": [.string(site.base + "/private/hidden.xml"), .string(site.base + "/big.xml")],
            "max_pages": 4, "output": "listed.jsonl", "watch": true,
        ]).answer
        #expect(answer["state"] == "completed", "\(answer)")
        let urls = try recordURLs(folder.url.appendingPathComponent("output/listed.jsonl"))
        #expect(Set(urls) == [site.base + "/", site.base + "/big/0.html", site.base + "/big/1.html", site.base + "/big/2.html"] && urls.count == 4, "\(urls)")
        let status = try await jobStatus(client, try #require(answer["job"]?.stringValue))
        #expect(status["sitemaps"]?.objectValue?["errors"] == ["sitemap_disallowed": 1, "sitemap_too_many_urls": 1], "\(status)")
        #expect((status["urls_dropped"]?.intValue ?? 0) > 40_000, "the frontier stays bounded by max_pages: \(status)")
        #expect(!site.accesses().contains { $0.path == "/private/hidden.xml" })
        await client.close()
    }

    @Test(arguments: [
        (["sitemaps": "yes"] as JSONObject, "sitemaps"),
        (["sitemaps": ["ftp://x/s.xml"]] as JSONObject, "sitemaps[0]"),
        (["sitemaps": true, "since": "last week"] as JSONObject, "since"),
        (["since": "2026-01-01"] as JSONObject, "since"),
    ])
    func badSitemapParametersAreRefusedByName(extra: JSONObject, field: String) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        var request: JSONObject = ["op": "job.submit", "urls": ["http://127.0.0.1:9/"]]
        request.merge(extra) { _, new in new }
        let error = try await client.request(.object(request)).answer["error"]?.objectValue
        #expect(error?["message"]?.stringValue?.contains("'\(field)'") == true, "\(String(describing: error))")
        #expect(error?["code"] == "bad_request" || error?["code"] == "invalid_url")
        await client.close()
    }
}

/// The `url` of every record of a JSONL output, in order.
func recordURLs(_ file: URL) throws -> [String] {
    try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
        try #require(try JSONValue.parse(String(line)).objectValue?["url"]?.stringValue)
    }
}
