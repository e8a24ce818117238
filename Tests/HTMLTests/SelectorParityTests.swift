import HTML
import Testing

/// The native matcher against the XPath each selector compiles to (what `select` ran before it
/// matched natively), on every HTML fixture: real pages of ordinary shape, where libxml2's XPath
/// answers quickly, so the two must find exactly the same nodes in the same order.
@Suite struct SelectorParityTests {
    static let fixtures = [
        "python-docs/library-os.path.html", "python-docs/license.html", "python-docs/tutorial-introduction.html",
        "base-links.html", "malformed.html", "markdown.html", "windows-1252.html",
    ]

    static let selectors = [
        "div", "*", "div p", "div div", "div > div p", "section p + p", "p ~ pre", "h1 ~ *", "dl dt + dd",
        "dl.py.function > dt", "div.body a[href^='#']", "a[href$='.html']", "a[class~=reference]", "[id]",
        "li:first-child", "li:last-child a", "li:only-child", "tr:nth-child(odd) td", "td:nth-child(2n+1)",
        "ul li:nth-child(-n+2)", "div div div p", "body > div ~ div", "p a, li a", "table td ~ td", "span + span",
        "h2 + p ~ p", "div > * > p", "div:first-child > *", "section:last-child", "* > p:nth-child(2)",
    ]

    /// An escaped character XPath reads as an operator stays part of the attribute's name: `[class\=ss\=a]`
    /// compiled to `@class=ss=a`, a comparison true on 15 nodes of the fuzz target's page, where CSS means
    /// an attribute named `class=ss=a`, which no element has (libFuzzer, `Fuzz/CSSSelectorFuzz.swift`).
    @Test(arguments: [#"[class\=ss\=a]"#, #"[class\|id]"#, #"p[class\=x]"#, #"[title\=t-1~="x"]"#])
    func escapedOperatorsInAttributeNamesStayNames(source: String) throws {
        let document = try Fixtures.document("python-docs/library-os.path.html")
        let selector = try CSSSelector(source)
        #expect(document.select(selector).isEmpty)
        #expect(try document.nodes(xpath: selector.xpath).isEmpty, "\(selector.xpath)")
    }

    @Test(arguments: fixtures)
    func nativeMatchingAgreesWithTheXPathOnFixture(name: String) throws {
        let document = try Fixtures.document(name)
        var matched = 0
        for source in Self.selectors {
            let selector = try CSSSelector(source)
            let native = document.select(selector)
            #expect(native == (try document.nodes(xpath: selector.xpath)), "\(source) on \(name)")
            matched += native.count
            for start in try document.select("body, div, ul").prefix(20) {
                #expect(document.select(selector, from: start) == (try document.nodes(xpath: selector.xpath, from: start)), "\(source) below a \(start.name)")
            }
        }
        #expect(matched > 0)
    }
}
