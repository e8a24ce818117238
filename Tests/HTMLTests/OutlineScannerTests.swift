@testable import HTML
import Testing

/// The byte scanner behind `PageOutline`: it must read the markup of real docs pages itself,
/// give libxml2's tree's answer whenever it answers, and leave to libxml2's streaming pass
/// each class of markup it defers on (both corpora are checked the same way by HTMLBench, and
/// random markup by the `page-outline` fuzz target).
@Suite struct OutlineScannerTests {
    private static let url = "https://h.example/dir/page.html?q=1"

    @Test(arguments: ["python-docs/license.html", "python-docs/tutorial-introduction.html", "python-docs/library-os.path.html"])
    func docsPagesAreScanned(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let outline = PageOutline(bytes: bytes, contentType: "text/html", url: Self.url)
        #expect(outline.scanned)
        try expectTreesAnswer(outline, bytes)
    }

    @Test(arguments: [
        // The prologs of Sphinx and DocBook pages.
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8' /><title>os &#8212; Python</title><link rel='stylesheet' href='a.css' /><script src='x.js'></script></head><body><a href='../up.html'>u</a></body></html>",
        "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1.dtd\"><html xmlns='http://www.w3.org/1999/xhtml'><head><title>SELECT</title></head><body><a href='sql.html'>s</a></body></html>",
        // References in the title and in hrefs: known, unknown, without `;`, a bare `&`.
        "<title>a &amp; b &eacute; &#x263A; &nosuch; &copy=1 & c</title><a href='/x?a=1&amp;b=2&c=3&nosuch;&lt;'>q</a>",
        // Names in any case; unquoted, spaced, valueless, empty, repeated attributes.
        "<TITLE>t</TITLE><A HREF=/UPPER>u</A><a id=x href = \"/spaced\"  >s</a><a href>e</a><a href=''>b</a><a href='/one' href='/two'>d</a>",
        "<title>t</title><a href=\"/q\"title=\"t\">q</a><a href=/slash/>s</a><a href='#top'>t</a><a href=' #x'>x</a>",
        // Anchors hidden from the parser in comments, scripts and styles, and the ones after them.
        "<title>t</title><!-- <a href='/in-comment'> --><!----><script>w('<a href=\"/in-script\">'); if (a < b) x = '</' + 1</script><a href='/real'>r</a>",
        "<title>t</title><style>a { content: '<a href=/in-style>' }</style ><script/><a href=/after-empty-script><SCRIPT>x</Script><a href=/s>",
        // Elements libxml2 2.9 reads as any other: their anchors count.
        "<title>t</title><textarea><a href='/in-textarea'></textarea><noscript><a href='/in-noscript'></noscript><svg><a href='/in-svg'></a></svg>",
        // A `<` that is text, end tags that close nothing, a processing instruction.
        "<title>t</title></title></a><a href=/u>u</a><<<>>>< a href=/not><?php x ?><a href=/after-pi><!DOCTYPE again><a href=/d>",
    ])
    func markupTheScannerReads(html: String) throws {
        let outline = PageOutline(bytes: Array(html.utf8), contentType: "text/html", url: Self.url)
        #expect(outline.scanned)
        try expectTreesAnswer(outline, Array(html.utf8))
    }

    @Test(arguments: [
        "<html><head><base href='https://cdn.example.com/root/'></head><body><title>t</title><a href='p'>p</a></body></html>",
        "<title>t</title><p><base href='/elsewhere/'><a href='q'>q</a></p>",
        "<p>text before the title</p><title>t</title><a href=/a>",
        "<a href=/no-title>x</a>",
        "<title>   </title><a href=/a>",
        "<title>one<b>two</b></title><a href=/a>",
        "<title>t</title><!-->x<a href='/d'>--><a href=/e>",
        "<title>t</title><!-- a --!><a href=/f> --><a href=/g>",
        "<title>t</title><![CDATA[<a href=/cdata>]]><a href=/h>",
        "<title>t</title></ a><a href=/i>",
        "<title>t</title><#a href=/hash><a href=/j>",
        "<title>t</title><a/href=/slash>x</a>",
        "<title>t</title><a href=\"/x\u{01}y\">c</a>",
        // At each place in an eight-byte word the scanner reads at once, and across two words.
        "<title>t</title><a href=/x>\u{0B}</a>",
        "<title>t</title><a href=/xy>\u{0B}</a>",
        "<title>t</title><a href=/xyz>\u{FFFE}</a>",
        "<title>t</title><a href=/xyzw>\u{FFFF}</a>",
        "<title>t</title><a href=/x>\u{FFFF}</a>",
        "<title>t</title><a href=/a>x\u{FFFE}",
        // After a line break in the same word, which alone is a character.
        "<title>t</title><a href=/x>\n\u{0B}</a>",
        "<title>t</title><a href=/>\n\u{FFFF}</a>",
        "\u{FEFF}\u{FEFF}<title>a second byte order mark</title><a href=/b>",
        "<title>t</title><a href='&#65'>no semicolon</a>",
        "<title>t</title><a href='&#0;'>not a character</a>",
        "<title>t</title><a href=\"/cr\r\n\">c</a>",
        "<title>t</title><script>x</scriptx><a href=/k></script>",
        "<title>t</title><a href='/unterminated>",
        // Found by fuzzing: libxml2 2.9 drops a tag's prefix, so `<x:a href>` is a link.
        "<title>t</title><x:a href=/v>v</x:a>",
        "<title>t</title><o:p>q</o:p><a href=/w>w</a>",
        "<title>t</title><a href=/u>u</x:a><a href=/w>",
        "<title>t</title><table><mea:a href=m/msvg><table><tr>m</a></tr></table>",
        "<title>t</title><xml:a href=/xml>x</xml:a><a:b:a href=/b>b</a:b:a><a: href=/c>c</a:><:a href=/d>d<xmlns:a href=/e>",
        "<head><x:title>prefixed</x:title></head><svg:svg><svg:title>in svg</svg:title></svg:svg><X:A HREF=/e>e</X:A>",
        "<title>t</title><x:base href='https://elsewhere.example/'><a href=f>f</a>",
        // Found by fuzzing: libxml2 reads a doctype right after another as text, and its tags.
        "<title>t</title><!DOCTYPE><!DOCTYPE<a href=/l>",
    ])
    func markupTheScannerDefersOn(html: String) throws {
        let outline = PageOutline(bytes: Array(html.utf8), contentType: "text/html", url: Self.url)
        #expect(!outline.scanned)
        try expectTreesAnswer(outline, Array(html.utf8))
    }

    @Test func pinnedAnswerForAScannedPage() {
        let html = "<title> A &amp;\n B </title><a href='x#f'>x</a><a href='x'>x</a><a href='/y?a=1&amp;b'>y</a><a href='#top'>t</a>"
        let outline = PageOutline(bytes: Array(html.utf8), url: "https://h.example/a/page.html")
        #expect(outline.scanned)
        #expect(outline.title == "A & B")
        #expect(outline.links == ["https://h.example/a/x", "https://h.example/y?a=1&b"])
    }

    /// `TagName`'s cases and `hrefKey` are `nameKey`s written out; each must be its name's.
    @Test func knownNamesAreToldApartInAnyCase() {
        let names: [(String, OutlineScanner.TagName)] = [
            ("a", .anchor), ("BASE", .base), ("Head", .head), ("hTmL", .html), ("link", .link), ("META", .meta),
            ("Script", .script), ("style", .style), ("TITLE", .title), ("abbr", .other), ("titles", .other), ("b", .other),
            ("blockquote", .other), ("h_ad", .other), ("", .other),
        ]
        for (name, tag) in names {
            Array(name.utf8).withUnsafeBufferPointer { #expect(OutlineScanner.TagName(key: OutlineScanner.nameKey($0)) == tag, "\(name)") }
        }
        for (attribute, isHref) in [("HRef", true), ("href", true), ("hreflang", false), ("hre", false)] {
            Array(attribute.utf8).withUnsafeBufferPointer { #expect((OutlineScanner.nameKey($0) == OutlineScanner.hrefKey) == isHref, "\(attribute)") }
        }
    }

    private func expectTreesAnswer(_ outline: PageOutline, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html", url: Self.url)
        #expect(outline.title == document.title, sourceLocation: sourceLocation)
        #expect(outline.links == document.links, sourceLocation: sourceLocation)
    }
}
