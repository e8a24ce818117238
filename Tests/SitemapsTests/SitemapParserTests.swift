import Testing

@testable import Sitemaps
import TestSupport

@Suite struct SitemapParserTests {
    @Test func readsAURLSetWithLastmod() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc> https://example.com/a?x=1&amp;y=2 </loc><lastmod>2026-02-01</lastmod></url>
              <url><loc><![CDATA[https://example.com/b]]></loc></url>
              <url><lastmod>2026-02-01</lastmod></url>
            </urlset>
            """
        let document = SitemapParser.parse(Array(xml.utf8))
        #expect(document.kind == .urlset)
        #expect(document.problem == nil)
        #expect(document.entries == [.init(loc: "https://example.com/a?x=1&y=2", lastmod: "2026-02-01"), .init(loc: "https://example.com/b")])
    }

    @Test func readsAnIndex() {
        let xml = """
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>https://example.com/s1.xml.gz</loc><lastmod>2025-12-31T23:00:00+01:00</lastmod></sitemap>
              <sitemap><loc>https://example.com/s2.xml</loc></sitemap>
            </sitemapindex>
            """
        let document = SitemapParser.parse(Array(xml.utf8))
        #expect(document.kind == .index)
        #expect(document.entries.map(\.loc) == ["https://example.com/s1.xml.gz", "https://example.com/s2.xml"])
    }

    @Test func readsGzip() throws {
        let xml = "<urlset><url><loc>https://example.com/gz</loc></url></urlset>"
        let document = SitemapParser.parse(try gzip(Array(xml.utf8)))
        #expect(document.kind == .urlset)
        #expect(document.entries.map(\.loc) == ["https://example.com/gz"])
    }

    @Test func keepsTheFirstEntriesPastTheURLLimit() {
        let xml = "<urlset>" + (0..<5).map { "<url><loc>https://example.com/\($0)</loc></url>" }.joined() + "</urlset>"
        let document = SitemapParser.parse(Array(xml.utf8), maxEntries: 3)
        #expect(document.problem == .tooManyURLs)
        #expect(document.entries.map(\.loc) == ["https://example.com/0", "https://example.com/1", "https://example.com/2"])
    }

    @Test func stopsPastTheByteLimit() {
        let xml = "<urlset>" + String(repeating: "<url><loc>https://example.com/p</loc></url>", count: 1000) + "</urlset>"
        let document = SitemapParser.parse(Array(xml.utf8), maxBytes: 10_000)
        #expect(document.problem == .tooLarge)
        #expect(document.entries.count < 1000)
    }

    /// 64 MB of empty elements after the first entry, gzipped to about 300 KB: the parse stops at
    /// the protocol's 50 MB, with the entry read before it.
    @Test func aGzipBombStopsAtTheByteLimit() throws {
        var xml = Array("<urlset><url><loc>https://example.com/first</loc></url>".utf8)
        xml += Array(String(repeating: "<x/>", count: 16 << 20).utf8)
        let bomb = try gzip(xml)
        #expect(bomb.count < 1 << 20)
        let document = SitemapParser.parse(bomb)
        #expect(document.problem == .tooLarge)
        #expect(document.entries.map(\.loc) == ["https://example.com/first"])
    }

    @Test(arguments: [
        ("<urlset><url><loc>https://example.com/a</loc></url><url><loc>https://exa", SitemapProblem.malformed, 1),
        ("<html><body>not a sitemap</body></html>", .notSitemap, 0),
        ("", .malformed, 0),
    ])
    func reportsBadFiles(text: String, problem: SitemapProblem, kept: Int) {
        let document = SitemapParser.parse(Array(text.utf8))
        #expect(document.problem == problem)
        #expect(document.entries.count == kept)
    }

    @Test func aTruncatedGzipIsMalformed() throws {
        let whole = try gzip(Array("<urlset><url><loc>https://example.com/a</loc></url></urlset>".utf8))
        let document = SitemapParser.parse(Array(whole.prefix(whole.count / 2)))
        #expect(document.problem == .malformed)
    }

    @Test func doesNotExpandEntitiesOrLoadDTDs() {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE urlset [<!ENTITY a "https://example.com/entity"><!ENTITY ext SYSTEM "http://127.0.0.1:1/x">]>
            <urlset><url><loc>&a;</loc></url><url><loc>&ext;</loc></url><url><loc>https://example.com/plain</loc></url></urlset>
            """
        let document = SitemapParser.parse(Array(xml.utf8))
        #expect(document.entries.map(\.loc) == ["https://example.com/plain"])
    }
}
