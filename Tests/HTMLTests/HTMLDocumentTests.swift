import HTML
import Testing

@Suite struct HTMLDocumentTests {
    @Test(arguments: [
        ("python-docs/license.html", "History and License — Python 3.11.2 documentation"),
        ("python-docs/tutorial-introduction.html", "3. An Informal Introduction to Python — Python 3.11.2 documentation"),
        ("python-docs/library-os.path.html", "os.path — Common pathname manipulations — Python 3.11.2 documentation"),
        ("base-links.html", "Links with a base"),
        ("malformed.html", "Malformed page"),
    ])
    func titlesOfRealAndHandMadePages(name: String, title: String) throws {
        #expect(try Fixtures.document(name).title == title)
    }

    @Test func metadataOfRealPage() throws {
        let document = try Fixtures.document("python-docs/tutorial-introduction.html")
        #expect(document.language == "en")
        #expect(document.canonicalURL == "file:///usr/share/doc/python3.11/html/tutorial/introduction.html")
        #expect(document.encoding == "utf-8")
        #expect(document.encodingSource == "meta")
    }

    @Test func metadataOfHandMadePage() throws {
        let document = try Fixtures.document("base-links.html", url: "https://docs.example.org/start/here.html")
        #expect(document.metaDescription == "Every kind of href a crawler meets.")
        #expect(document.language == "de-CH")
        #expect(document.canonicalURL == "https://docs.example.org/guide/v2/index.html?ref=canon")
        #expect(document.baseURL == "https://docs.example.org/guide/v2/")
    }

    @Test func missingMetadataIsNil() throws {
        let document = try Fixtures.parse("<p>no head at all</p>")
        #expect(document.title == nil)
        #expect(document.metaDescription == nil)
        #expect(document.canonicalURL == nil)
        #expect(document.language == nil)
        #expect(document.baseURL == "https://example.org/dir/page.html")
    }

    @Test func malformedPageIsRecovered() throws {
        let document = try Fixtures.document("malformed.html")
        #expect(try document.select("li").map { $0.visibleTextForTest } == ["item one", "item two"])
        #expect(try document.select("td").count == 2)
        #expect(try document.select("div#main.outer").count == 1)
        #expect(document.visibleText().contains("Unquoted link"))
        #expect(try document.select("a[href='/unquoted']").count == 1)
    }

    @Test func emptyBodyGivesEmptyDocument() throws {
        for body in [[UInt8](), Array("   \n".utf8)] {
            let document = try HTMLDocument(bytes: body, contentType: "text/html", url: "https://example.org/")
            #expect(document.title == nil)
            #expect(document.links.isEmpty)
            #expect(document.visibleText() == "")
            #expect(document.markdown() == "")
            #expect(try document.select("p").isEmpty)
        }
    }

    /// libxml2 reads a page in pieces of a few KB (`HTMLDocument.parse`): a character split
    /// between two pieces stays one character. Eleven bytes a round (two-, three- and four-byte
    /// characters and two ASCII ones) put the split at every offset of a character, somewhere.
    @Test func charactersSplitBetweenPiecesStayWhole() throws {
        let text = String(repeating: "é€😀ab", count: 8_000)
        let page = "<html><head><title>\(text.prefix(50))</title></head><body><p>\(text)</p><p>end</p></body></html>"
        let document = try HTMLDocument(bytes: Array(page.utf8), contentType: "text/html", url: "https://example.org/")
        #expect(document.title == String(text.prefix(50)))
        let paragraphs = try document.select("p").map(\.textContent)
        #expect(paragraphs.count == 2)
        #expect(paragraphs.first == text, "the text came back with \(paragraphs.first?.count ?? 0) of \(text.count) characters")
        #expect(paragraphs.last == "end")
    }

    @Test func nodeNavigationAndSerialisation() throws {
        let document = try Fixtures.parse(#"<div id="a" class="x y"><p>One <b>two</b></p><p>Three</p></div>"#)
        let div = try #require(try document.select("#a").first)
        #expect(div.name == "div")
        #expect(div.kind == .element)
        #expect(div.attribute("class") == "x y")
        #expect(div.attribute("missing") == nil)
        #expect(div.attributes.map(\.name) == ["id", "class"])
        #expect(div.children.map(\.name) == ["p", "p"])
        #expect(div.children[0].parent == div)
        #expect(div.children[0].html == "<p>One <b>two</b></p>")
        #expect(try document.select("b").first?.html == "<b>two</b>")
        #expect(div.textContent == "One twoThree")
        #expect(document.visibleText(of: div) == "One two\nThree")
    }

    /// `wordCount` counts without building the text; it must count what `%S+` counts in it.
    @Test func wordCountMatchesTheVisibleText() throws {
        let made = try Fixtures.parse("<p>a\u{0B}b <img alt='x y'>z</p><table><tr><td>1</td><td>2</td></tr></table> c<br>d<script>no words</script>")
        #expect(made.wordCount() == 7) // libxml2 drops the vertical tab (not an XML character): "ab x yz", "1 2", "c", "d"
        for document in [made, try Fixtures.document("python-docs/library-os.path.html"), try Fixtures.document("malformed.html")] {
            let words = document.visibleText().split(whereSeparator: { " \n\t\r\u{0B}\u{0C}".contains($0) }).count
            #expect(document.wordCount() == words)
            let list = try #require(try document.select("p").first)
            #expect(document.wordCount(of: list) == document.visibleText(of: list).split(whereSeparator: { " \n\u{0B}".contains($0) }).count)
        }
    }

    @Test func nodesKeepTheirDocumentAlive() throws {
        var nodes: [HTMLNode] = []
        do {
            let document = try Fixtures.parse("<ul><li>a</li><li>b</li></ul>")
            nodes = try document.select("li")
        }
        #expect(nodes.map(\.textContent) == ["a", "b"])
    }
}

extension HTMLNode {
    var visibleTextForTest: String { document.visibleText(of: self) }
}
