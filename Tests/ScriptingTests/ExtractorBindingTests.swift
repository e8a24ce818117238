import HTML
import JSON
import LuaBridge
import Scripting
import Testing

/// Every method of `doc` and of its nodes, on real libxml2 through real Lua.
@Suite struct ExtractorBindingTests {
    static let html = """
        <!DOCTYPE html><html lang="fr"><head><title> A  page </title><base href="/docs/">
        <meta name="description" content="About things."><link rel="canonical" href="/canonical">
        <style>p { color: red }</style></head>
        <body><h1 id="top">Heading <em>one</em></h1>
        <ul class="items"><li class="item first"><a href="a.html">First</a></li>
        <li class="item"><a href="b.html#part" data-n="2">Second</a></li><li>Third <script>var x;</script></li></ul>
        <table><tr><th>k</th><th>v</th></tr><tr><td>1</td><td>2</td></tr></table>
        <p>Contact <a href="mailto:x@y.z">us</a>.</p></body></html>
        """
    static let url = "https://site.test/section/page.html"

    /// Runs `body` (the text of a Lua function taking `doc` and `page`) as the default handler.
    private func run(_ body: String, html: String = Self.html, limits: LuaLimits = LuaLimits()) async throws -> JSONValue {
        let script = "return { default = function() return {} end, sites = { ['site.test'] = function(doc, page)\n\n\(body)\nend } }"
        let (registry, _) = try await ExtractorFixtures.registry(extract: script, limits: limits)
        return try await ExtractorFixtures.extract(registry, html, url: Self.url)
    }

    @Test func documentMetadata() async throws {
        let data = try await run("return { doc:title(), doc:description(), doc:canonical(), doc:language() }")
        #expect(sameJSON(data, ["A page", "About things.", "https://site.test/canonical", "fr"]))
    }

    @Test func cssReturnsNodesInDocumentOrder() async throws {
        let data = try await run(
            """
            local out = {}
            for _, li in ipairs(doc:css("ul.items > li.item")) do out[#out + 1] = li:text() end
            out[#out + 1] = #doc:css("li:first-child")
            out[#out + 1] = #doc:css("nothing-matches")
            return out
            """)
        #expect(sameJSON(data, ["First", "Second", 1, 0]))
    }

    @Test func xpathReturnsEachOfItsTypes() async throws {
        let data = try await run(
            """
            local nodes = doc:xpath("//li/a/@href")
            return { first_href = nodes[1]:text(), count = doc:xpath("count(//li)"), half = doc:xpath("count(//li) div 2"),
                     title = doc:xpath("string(//title)"), has_table = doc:xpath("boolean(//table)"),
                     names = { nodes[1]:name(), doc:xpath("//h1")[1]:name() } }
            """)
        #expect(
            sameJSON(
                data,
                [
                    "first_href": "a.html", "count": 3, "half": 1.5, "title": " A  page ", "has_table": true, "names": ["href", "h1"],
                ]))
    }

    @Test func attrReadsTheFirstMatch() async throws {
        let data = try await run(
            """
            return { doc:attr("li.item a", "href"), doc:attr("a[data-n]", "data-n"), doc:attr("li.item a", "missing") == nil,
                     doc:attr("nothing", "href") == nil }
            """)
        #expect(sameJSON(data, ["a.html", "2", true, true]))
    }

    @Test func textLinksMarkdownAndAbsolute() async throws {
        let data = try await run(
            """
            return { text = doc:text(), links = doc:links(), list = doc:markdown(doc:css("ul")[1]),
                     none = doc:markdown(doc:css("main")[1]) == doc:markdown(),
                     absolute = doc:absolute("x/y.html#z"), mail = doc:absolute("mailto:a@b.c") == nil }
            """)
        let object = try #require(data.objectValue)
        #expect(object["text"] == "Heading one\nFirst\nSecond\nThird\nk v\n1 2\nContact us.")
        #expect(object["links"] == ["https://site.test/docs/a.html", "https://site.test/docs/b.html"])
        #expect(object["list"] == "- [First](https://site.test/docs/a.html)\n- [Second](https://site.test/docs/b.html#part)\n- Third\n")
        #expect(object["none"] == true)
        #expect(object["absolute"] == "https://site.test/docs/x/y.html")
        #expect(object["mail"] == true)
    }

    @Test func wordCountCountsTheWordsOfText() async throws {
        let data = try await run(
            """
            local _, words = doc:text():gsub("%S+", "")
            return { words, doc:word_count(), doc:word_count(doc:css("ul")[1]), doc:word_count(doc:css("main")[1]) }
            """)
        #expect(sameJSON(data, [11, 11, 3, 11]))
    }

    @Test func nodeMethods() async throws {
        let data = try await run(
            """
            local ul = doc:css("ul")[1]
            local children = ul:children()
            local h1 = doc:css("h1")[1]
            return { name = ul:name(), class = ul:attr("class"), missing = ul:attr("nope") == nil, children = #children,
                     first = children[1]:find("a")[1]:attr("href"), html = h1:html(), text = h1:text(),
                     relative = ul:xpath("count(li)"), found = #ul:find("a"), outside = #children[1]:find("h1") }
            """)
        #expect(
            sameJSON(
                data,
                [
                    "name": "ul", "class": "items", "missing": true, "children": 3, "first": "a.html",
                    "html": "<h1 id=\"top\">Heading <em>one</em></h1>", "text": "Heading one", "relative": 3, "found": 2, "outside": 0,
                ]))
    }

    @Test func anInvalidXPathIsALuaErrorNamingTheExpression() async throws {
        let error = await #expect(throws: LuaError.self) { try await run("return doc:xpath('//li[')") }
        #expect(error?.kind == .runtime)
        #expect(error?.message.hasPrefix("extract.lua:3: invalid_xpath:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\"//li[\"") == true)
    }

    /// A quadratic XPath on 5,000 nested divs stops at libxml2's operation limit, as an error the
    /// script may catch; uncaught, the call fails with it (the daemon answers `script_error`).
    /// A long deadline, so that a loaded machine reaches the limit before it.
    @Test func anXPathPastTheOperationLimitIsALuaError() async throws {
        let nested = String(repeating: "<div><p>x</p>", count: 5_000)
        let limits = LuaLimits(timeout: .seconds(60))
        let error = await #expect(throws: LuaError.self) { try await run("return doc:xpath('//div[.//div[.//p]]')", html: nested, limits: limits) }
        #expect(error?.kind == .runtime)
        #expect(error?.message.hasPrefix("extract.lua:3: xpath_limit:") == true, "\(error?.message ?? "")")
        let data = try await run(
            """
            local ok, err = pcall(doc.xpath, doc, "//*[count(ancestor::*) > count(descendant::*)]")
            return { ok = ok, limit = err:find("xpath_limit", 1, true) ~= nil, after = #doc:css("div div p") }
            """, html: nested, limits: limits)
        #expect(sameJSON(data, ["ok": false, "limit": true, "after": 4_999]))
    }

    @Test func anInvalidSelectorIsALuaErrorNamingIt() async throws {
        let error = await #expect(throws: LuaError.self) { try await run("return doc:css('li::before')") }
        #expect(error?.message.hasPrefix("extract.lua:3: invalid_selector:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\"li::before\"") == true)
    }

    @Test func aScriptCanCatchABadExpression() async throws {
        let data = try await run(
            """
            local ok, err = pcall(doc.xpath, doc, "///")
            return { ok = ok, named = err:find("///", 1, true) ~= nil, after = doc:title() }
            """)
        #expect(sameJSON(data, ["ok": false, "named": true, "after": "A page"]))
    }

    @Test func wrongArgumentsAreLuaErrors() async throws {
        let error = await #expect(throws: LuaError.self) { try await run("return doc:css(42)") }
        #expect(error?.message.contains("bad argument #1 (a string expected, got number)") == true)
        let misuse = await #expect(throws: LuaError.self) { try await run("return doc.title(doc:css('li')[1])") }
        #expect(misuse?.message.contains("document expected") == true)
    }
}
