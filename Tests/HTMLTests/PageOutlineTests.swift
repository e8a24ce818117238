import HTML
import Testing

/// The streaming pass must give what the tree gives: each case is read all three ways, and a few
/// are also pinned to the exact answer so that both cannot drift together.
@Suite struct PageOutlineTests {
    @Test(arguments: [
        "python-docs/license.html", "python-docs/tutorial-introduction.html", "python-docs/library-os.path.html",
        "base-links.html", "malformed.html", "markdown.html", "windows-1252.html",
    ])
    func fixturePagesGiveTheTreesTitleAndLinks(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let url = "https://docs.example.org/start/here.html"
        try expectSameAsTree(bytes, contentType: name.hasPrefix("windows") ? "text/html; charset=windows-1252" : "text/html", url: url)
    }

    @Test func realPageHasItsTitleAndLinks() throws {
        let bytes = try Fixtures.bytes("python-docs/library-os.path.html")
        let outline = PageOutline(bytes: bytes, contentType: "text/html", url: "https://docs.python.org/3.11/library/os.path.html")
        #expect(outline.title == "os.path — Common pathname manipulations — Python 3.11.2 documentation")
        #expect(outline.links.contains("https://docs.python.org/3.11/library/os.html"))
        // lxml, resolving the same hrefs with urljoin, finds these 28 too.
        #expect(outline.links.count == 28)
        #expect(Set(outline.links).count == outline.links.count)
        #expect(outline.links.allSatisfy { !$0.contains("#") })
    }

    @Test(arguments: [
        // Title: the head's, else the first outside SVG; an empty head title falls through.
        "<title> Spaced \n out </title><p>x</p>",
        "<svg><title>icon</title></svg><title>late</title>",
        "<html><head><title>  </title></head><body><title>body title</title></body></html>",
        "<html><head></head><body><svg><title>only svg</title></svg></body></html>",
        "<p>no title <a href='/a'>a</a></p>",
        "<title>a &amp; b &eacute; &#x263A; &nosuch;</title>",
        "<title>one<b>two</b> three</title><title>second</title>",
        "<title>first</title><title>second</title>",
        // Base: in the head first, else anywhere; a blank one is no base.
        "<html><head><base href='https://cdn.example.com/root/'></head><body><a href='p'>p</a></body></html>",
        "<p><base href='/elsewhere/'><a href='q'>q</a></p>",
        "<html><head><base href='   '></head><body><base href='/second/'><a href='r'>r</a></body></html>",
        "<html><head><base target='_top'><base href='/two/'></head><body><a href='s'>s</a></body></html>",
        // Links: fragments, duplicates, schemes left out, whitespace, no value, entities.
        "<a href='#top'>t</a><a href=' #x'>x</a><a href='/a#1'>1</a><a href='/a#2'>2</a><a href='/a'>a</a>",
        "<a href='javascript:void(0)'>j</a><a href='MAILTO:x@y'>m</a><a href='tel:1'>t</a><a href='data:,x'>d</a>",
        "<a href='  /spaced  '>s</a><a href>empty</a><a>none</a><a href=''>blank</a>",
        "<a href='/x?a=1&amp;b=2'>e</a><a HREF='/UPPER'>u</a><A href='/caps-tag'>c</A>",
        "<a href='/one' href='/two'>dup attribute</a>",
        "<svg><a href='/in-svg'>s</a></svg><table><tr><a href='/misplaced'>m</a><td>x</td></tr></table>",
        "<a href='/outer'><a href='/inner'>nested</a></a>",
        // Bodies the parser has to recover from.
        "<title>unclosed <a href='/u'>",
        "</title></a><a href=/unquoted>u</a><<<>>><a href='/after'>",
        "<!-- <a href='/in-comment'> --><script>document.write('<a href=\"/in-script\">')</script><a href='/real'>r</a>",
        "",
        "   \n",
    ])
    func markupGivesTheTreesTitleAndLinks(html: String) throws {
        try expectSameAsTree(Array(html.utf8), contentType: "text/html", url: "https://h.example/dir/page.html?q=1")
    }

    @Test func pinnedAnswersForHandMadePages() {
        let base = PageOutline(
            bytes: Array("<html><head><title>T</title><base href='/b/'></head><body><a href='x#f'>x</a><a href='x'>x</a><a href='#top'>t</a></body></html>".utf8),
            url: "https://h.example/a/page.html")
        #expect(base.title == "T")
        #expect(base.links == ["https://h.example/b/x"])
        let svg = PageOutline(bytes: Array("<svg><title>icon</title></svg><p><title>real</title></p>".utf8), url: "https://h.example/")
        #expect(svg.title == "real")
        let none = PageOutline(bytes: [UInt8](), url: "https://h.example/")
        #expect(none.title == nil && none.links.isEmpty)
    }

    @Test func charsetFromHeaderAndMetaIsHonoured() throws {
        let latin1: [UInt8] = Array("<title>Z".utf8) + [0xFC] + Array("rich</title><a href='/caf".utf8) + [0xE9] + Array("'>c</a>".utf8)
        let fromHeader = PageOutline(bytes: latin1, contentType: "text/html; charset=iso-8859-1", url: "https://h.example/")
        #expect(fromHeader.title == "Zürich")
        #expect(fromHeader.links == ["https://h.example/caf%C3%A9"])
        try expectSameAsTree(latin1, contentType: "text/html; charset=iso-8859-1", url: "https://h.example/")
        let fromMeta = Array(#"<meta charset="windows-1252">"#.utf8) + latin1
        #expect(PageOutline(bytes: fromMeta, url: "https://h.example/").title == "Zürich")
        let invalid: [UInt8] = Array("<title>bad ".utf8) + [0xFF, 0xC3, 0x28] + Array(" byte</title>".utf8)
        #expect(PageOutline(bytes: invalid).title == "bad \u{FFFD}\u{FFFD}( byte")
    }

    @Test func deeplyNestedPageKeepsItsLastLink() throws {
        let depth = 20_000
        let html = "<title>deep</title>" + String(repeating: "<div>", count: depth) + "<a href='/bottom'>b</a>" + String(repeating: "</div>", count: depth)
        let outline = PageOutline(bytes: Array(html.utf8), url: "https://h.example/")
        #expect(outline.title == "deep")
        #expect(outline.links == ["https://h.example/bottom"])
        try expectSameAsTree(Array(html.utf8), contentType: "text/html", url: "https://h.example/")
    }

    private func expectSameAsTree(_ bytes: [UInt8], contentType: String, url: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try HTMLDocument(bytes: bytes, contentType: contentType, url: url)
        // As `PageOutline` reads it (its scanner, where it answers) and with libxml2's pass alone.
        for outline in [PageOutline(bytes: bytes, contentType: contentType, url: url), PageOutline(bytes: bytes, contentType: contentType, url: url, scanner: false)] {
            #expect(outline.title == document.title, sourceLocation: sourceLocation)
            #expect(outline.links == document.links, sourceLocation: sourceLocation)
        }
    }
}
