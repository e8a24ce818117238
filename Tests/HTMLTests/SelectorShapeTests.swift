import HTML
import Testing

/// Every supported selector on 1 MB pages of the shapes that made selectors super-linear
/// (issue 18, defect 4): libxml2's XPath for `div p` on nested divs is roughly cubic, and
/// `:nth-child` used to count the earlier siblings of every element of a long list. The counts
/// are worked out from the shape, so each case checks the answer; the time limit only turns a
/// selector that would run for hours into a failure instead of a hung test run (generous: CI
/// machines share two cores among many builds).
@Suite(.timeLimit(.minutes(5))) struct SelectorShapeTests {
    /// 40,000 divs nested in one another (`class="a"` on even levels); each holds a `<p>` before
    /// the next div, and the innermost holds only its `<p>`. About 1.1 MB.
    static let nestedLevels = 40_000
    static func nested() throws -> HTMLDocument {
        var html = "<html><body>"
        for level in 0..<nestedLevels { html += level % 2 == 0 ? "<div class=\"a\" id=\"d\(level)\"><p>x</p>" : "<div><p>x</p>" }
        html += String(repeating: "</div>", count: nestedLevels) + "</body></html>"
        return try HTMLDocument(bytes: Array(html.utf8), contentType: "text/html")
    }

    /// One list of 100,000 items (`lang="en"` on every tenth) and a paragraph after it. About 1.6 MB.
    static let items = 100_000
    static func wide() throws -> HTMLDocument {
        var html = "<html><body><ul>"
        for item in 1...items { html += item % 10 == 0 ? "<li lang=\"en\">i</li>" : "<li>i</li>" }
        html += "</ul><p>after</p></body></html>"
        return try HTMLDocument(bytes: Array(html.utf8), contentType: "text/html")
    }

    /// 500 nested sections of 100 spans each, the next section after the spans. About 1.3 MB.
    static let sections = 500
    static let spansPerSection = 100
    static func nestedLists() throws -> HTMLDocument {
        var html = "<html><body>"
        for _ in 0..<sections { html += "<section>" + String(repeating: "<span title=\"s-1\">t</span>", count: spansPerSection) }
        html += String(repeating: "</section>", count: sections) + "</body></html>"
        return try HTMLDocument(bytes: Array(html.utf8), contentType: "text/html")
    }

    static let levels = nestedLevels

    static let nestedDivCases: [(String, Int)] = [
        ("div p", levels), ("div div p", levels - 1), ("div div div div p", levels - 3), ("body div p", levels),
        ("div > p", levels), ("div > div > p", levels - 1), ("p + div", levels - 1), ("p ~ div", levels - 1),
        ("div ~ p", 0), ("div + p", 0), ("p + div > p", levels - 1), ("div.a p", levels), ("div.a > p", levels / 2),
        ("div.a > div > p", levels / 2), ("div.a div.a p", levels - 2), ("#d0 p", levels), ("#d2 > p", 1),
        ("[class]", levels / 2), ("[class=a]", levels / 2), ("[class^=a]", levels / 2), ("[class$=a]", levels / 2),
        ("[class*=a]", levels / 2), ("[class~=a]", levels / 2), ("[class|=a]", levels / 2), ("div:first-child", 1),
        ("p:first-child", levels), ("div:last-child", levels), ("p:last-child", 1), ("p:only-child", 1),
        ("div:nth-child(2)", levels - 1), ("div:nth-child(odd)", 1), ("p:nth-child(-n+1)", levels), ("div *", 2 * levels - 1),
        ("div p, div > p, p", levels), ("p, div", 2 * levels), ("*", 2 * levels + 2),
    ]

    @Test func nestedDivs() throws {
        try Self.expect(Self.nestedDivCases, on: Self.nested())
    }

    static let wideListCases: [(String, Int)] = [
        ("li", items), ("ul li", items), ("body ul > li", items), ("li + li", items - 1), ("li ~ li", items - 1),
        ("li:nth-child(odd)", items / 2), ("li:nth-child(2n)", items / 2), ("li:nth-child(3n+1)", items / 3 + 1),
        ("li:nth-child(-n+3)", 3), ("li:nth-child(100000)", 1), ("li:first-child", 1), ("li:last-child", 1),
        ("li:only-child", 0), ("li[lang]", items / 10), ("li[lang|=en] + li", items / 10 - 1), ("li ~ p", 0),
        ("ul ~ p", 1), ("ul + p", 1), ("li:nth-child(2n) + li:nth-child(odd)", items / 2 - 1), ("ul li li", 0),
        ("li:nth-child(10n) ~ li[lang]", items / 10 - 1),
    ]

    @Test func wideList() throws {
        try Self.expect(Self.wideListCases, on: Self.wide())
    }

    static let spans = sections * spansPerSection

    static let nestedSectionCases: [(String, Int)] = [
        ("section span", spans), ("section section span", spans - spansPerSection), ("section > span", spans),
        ("span + section", sections - 1), ("span ~ section > span", spans - spansPerSection), ("section span + span", spans - sections),
        ("span:last-child", 1), ("section:last-child", sections), ("span:nth-child(100)", sections),
        ("section > section > section span[title$='-1']", spans - 2 * spansPerSection), ("section *", spans + sections - 1),
    ]

    @Test func nestedSectionsOfSpans() throws {
        try Self.expect(Self.nestedSectionCases, on: Self.nestedLists())
    }

    /// Each selector of `cases` finds its count on `document`. One test per page, not one per
    /// selector: parsing a 1 MB page for each of 70 cases run in parallel was most of the time.
    private static func expect(_ cases: [(String, Int)], on document: HTMLDocument) throws {
        for (selector, count) in cases {
            #expect(try document.select(selector).count == count, "\(selector)")
        }
    }

    /// The same selectors from an element in the middle: only what is below it counts.
    @Test func fromANodeInTheMiddle() throws {
        let document = try Self.nested()
        let middle = try #require(try document.select("#d20000").first)
        #expect(try document.select("div p", from: middle).count == Self.levels / 2 - 1)
        #expect(try document.select("p", from: middle).count == Self.levels / 2)
        #expect(try document.select("p + div p", from: middle).count == Self.levels / 2 - 1)
    }

    /// Results come in document order, with nothing twice.
    @Test func resultsInDocumentOrder() throws {
        let found = try Self.nested().select("div.a, div p, div")
        #expect(found.count == 2 * Self.levels)
        #expect(found.prefix(3).map(\.name) == ["div", "p", "div"])
        #expect(Set(found).count == found.count)
        #expect(found[2 * 1000].attribute("id") == "d1000")
    }
}
