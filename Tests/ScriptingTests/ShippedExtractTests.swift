import HTML
import JSON
import LuaBridge
import Scripting
import Testing

/// The shipped scripts/extract.lua on real and hand-made pages.
@Suite struct ShippedExtractTests {
    /// The shipped handlers' answer for a python3.11-doc page served from `url`.
    private func pythonDocs(_ name: String, url: String) async throws -> JSONObject {
        let (registry, _) = try await ExtractorFixtures.registry()
        let document = try HTMLDocument(bytes: ExtractorFixtures.pythonDocsPage(name), contentType: "text/html", url: url)
        let data = try await registry.extractor.extract(document: document, page: ExtractorFixtures.page(url))
        return try #require(data.objectValue)
    }

    @Test func theDefaultHandlerReadsTheUsualFacts() async throws {
        let (registry, _) = try await ExtractorFixtures.registry()
        let html = """
            <html lang="en"><head><title>Shop</title><meta name="description" content="Things to buy.">
            <link rel="canonical" href="https://shop.test/">
            <meta property="og:title" content="The Shop"><meta property="og:description" content="Buy things.">
            <meta property="og:image" content="https://shop.test/logo.png"><meta property="og:type" content="website">
            <script>var notWords = 1;</script></head>
            <body><h1>Welcome</h1><h2>New</h2><h2>Old</h2><h3>Sub</h3><p>Four words right here.</p></body></html>
            """
        let data = try await ExtractorFixtures.extract(registry, html, url: "https://shop.test/index.html")
        #expect(
            sameJSON(
                data,
                [
                    "title": "Shop", "description": "Things to buy.", "canonical": "https://shop.test/", "language": "en",
                    "headings": ["h1": ["Welcome"], "h2": ["New", "Old"], "h3": ["Sub"]],
                    "word_count": 8,
                    "opengraph": ["title": "The Shop", "description": "Buy things.", "image": "https://shop.test/logo.png", "type": "website"],
                ]))
    }

    @Test func theDefaultHandlerOnAnEmptyPage() async throws {
        let (registry, _) = try await ExtractorFixtures.registry()
        let data = try await ExtractorFixtures.extract(registry, "", url: "https://empty.test/")
        #expect(sameJSON(data, ["headings": ["h1": [], "h2": [], "h3": []], "word_count": 0]))
    }

    /// The call's deadline runs from its start and counts the Swift work
    /// (walks over 100,000 levels, about half a second here): a generous one
    /// keeps a loaded machine from turning this test of depth into one of speed.
    @Test func theDefaultHandlerOnHundredThousandNestedTags() async throws {
        let (registry, _) = try await ExtractorFixtures.registry(limits: LuaLimits(timeout: .seconds(30)))
        let html = "<title>Deep</title>" + String(repeating: "<div>", count: 100_000) + "<h1>Bottom</h1><p>three words here</p>"
        let data = try await ExtractorFixtures.extract(registry, html, url: "https://deep.test/")
        #expect(sameJSON(data, ["title": "Deep", "headings": ["h1": ["Bottom"], "h2": [], "h3": []], "word_count": 4]))
    }

    @Test func theDefaultHandlerDescribesNonHTMLBodies() async throws {
        let (registry, _) = try await ExtractorFixtures.registry()
        let page = PageInfo(url: "https://api.test/x", status: 200, headers: [("Content-Type", "application/json")])
        let data = try await registry.extractor.extract(body: Array(#"{"a": [1, 2]}"#.utf8), kind: .json, page: page)
        #expect(sameJSON(data, ["kind": "json", "content_type": "application/json", "size": 13, "json": ["a": [1, 2]]]))
    }

    @Test func thePythonDocsHandlerOnARealPage() async throws {
        let object = try await pythonDocs("library-os.path.html", url: "https://docs.python.org/3.11/library/os.path.html")
        #expect(object["title"] == "os.path — Common pathname manipulations")
        #expect(object["language"] == "en")
        #expect(
            sameJSON(
                object["breadcrumbs"],
                [
                    ["title": "The Python Standard Library", "url": "https://docs.python.org/3.11/library/index.html"],
                    ["title": "File and Directory Access", "url": "https://docs.python.org/3.11/library/filesys.html"],
                    ["title": "os.path — Common pathname manipulations"],
                ]))
        #expect(sameJSON(object["previous"], ["title": "pathlib — Object-oriented filesystem paths", "url": "https://docs.python.org/3.11/library/pathlib.html"]))
        #expect(sameJSON(object["next"], ["title": "fileinput — Iterate over lines from multiple input streams", "url": "https://docs.python.org/3.11/library/fileinput.html"]))
        let content = try #require(object["content"]?.stringValue)
        #expect(content.hasPrefix("# `os.path` — Common pathname manipulations\n\n**Source code:** [Lib/posixpath.py]"))
        #expect(content.contains("os.path.abspath(*path*)\n\nReturn a normalized absolutized version"))
        #expect(!content.contains("¶"))
        #expect(!content.contains("Quick search"))
    }

    /// The Sphinx handler's permalink helper over a long run of spaces (a big
    /// `<pre>`): its old pattern "%s*¶%s*$" backtracked quadratically there and
    /// ran into the deadline now that patterns stop at it.
    @Test func thePythonDocsHandlerOnAPageWithALongPreEndsInTime() async throws {
        let (registry, _) = try await ExtractorFixtures.registry()
        let spaces = String(repeating: " \n", count: 75_000)
        let html = #"<html><body><div class="body" role="main"><h1>Title¶</h1><pre>start"# + spaces + "end¶</pre></div></body></html>"
        let data = try await ExtractorFixtures.extract(registry, html, url: "https://docs.python.org/3.11/long.html")
        let object = try #require(data.objectValue)
        #expect(object["title"] == "Title")
        let content = try #require(object["content"]?.stringValue)
        #expect(content.contains("start") && content.contains("end"))
        #expect(!content.contains("¶"))
    }

    @Test func thePythonDocsHandlerOnATutorialPage() async throws {
        let object = try await pythonDocs("tutorial-introduction.html", url: "https://docs.python.org/3.11/tutorial/introduction.html")
        #expect(object["title"] == "3. An Informal Introduction to Python")
        #expect(object["previous"]?.objectValue?["url"] == "https://docs.python.org/3.11/tutorial/interpreter.html")
        #expect(object["next"]?.objectValue?["url"] == "https://docs.python.org/3.11/tutorial/controlflow.html")
        #expect(object["content"]?.stringValue?.contains("```") == true)
    }

    @Test func theListHandlerReadsItems() async throws {
        let (registry, _) = try await ExtractorFixtures.registry()
        let html = """
            <html><head><title>Hacker News</title></head><body><table>
            <tr class="athing" id="101"><td class="title"><span class="titleline"><a href="https://a.test/post">First post</a>
              <span class="sitebit comhead">(<a href="from?site=a.test"><span class="sitestr">a.test</span></a>)</span></span></td></tr>
            <tr><td class="subtext">10 points</td></tr>
            <tr class="athing" id="102"><td class="title"><span class="titleline"><a href="item?id=102">Ask HN: a question</a></span></td></tr>
            <tr class="athing" id="103"><td class="title">no link here</td></tr>
            </table><a class="morelink" href="?p=2">More</a></body></html>
            """
        let data = try await ExtractorFixtures.extract(registry, html, url: "https://news.ycombinator.com/")
        #expect(
            sameJSON(
                data,
                [
                    "title": "Hacker News",
                    "items": [
                        ["id": "101", "title": "First post", "url": "https://a.test/post", "site": "a.test"],
                        ["id": "102", "title": "Ask HN: a question", "url": "https://news.ycombinator.com/item?id=102"],
                    ],
                    "more": "https://news.ycombinator.com/?p=2",
                ]))
    }
}
