import HTML
import Testing

@Suite struct SelectorTests {
    static let page = """
        <div id="main" class="content wide">
          <h2 class="title">A</h2>
          <ul class="items">
            <li data-kind="first-item">one</li>
            <li class="odd special">two</li>
            <li lang="en-GB">three</li>
            <li title="it's &quot;quoted&quot;">four</li>
          </ul>
          <p><a href="https://x.example/doc.pdf">pdf</a><a href="/local.html">local</a></p>
        </div>
        <p class="outside">after</p>
        """

    func texts(_ selector: String) throws -> [String] {
        try Fixtures.parse(Self.page).select(selector).map(\.textContent)
    }

    @Test(arguments: [
        ("li", ["one", "two", "three", "four"]),
        ("#main > h2", ["A"]),
        (".special", ["two"]),
        ("li.odd.special", ["two"]),
        ("[data-kind]", ["one"]),
        ("li[data-kind=first-item]", ["one"]),
        ("a[href^='https:']", ["pdf"]),
        ("a[href$=\".pdf\"]", ["pdf"]),
        ("a[href*=local]", ["local"]),
        ("li[class~=odd]", ["two"]),
        ("li[lang|=en]", ["three"]),
        ("div p", ["pdflocal"]),
        ("div > p, p.outside", ["pdflocal", "after"]),
        ("p.outside, h2", ["A", "after"]),
        ("li:first-child", ["one"]),
        ("li:last-child", ["four"]),
        ("li:nth-child(2)", ["two"]),
        ("li:nth-child(odd)", ["one", "three"]),
        ("li:nth-child(2n+2)", ["two", "four"]),
        ("li:nth-child(-n+2)", ["one", "two"]),
        ("h2 + ul > li:first-child", ["one"]),
        ("h2 ~ p a", ["pdf", "local"]),
        ("UL  >  LI:FIRST-CHILD", ["one"]),
        ("*#main > .title", ["A"]),
    ])
    func selectorsMatch(selector: String, expected: [String]) throws {
        #expect(try texts(selector) == expected)
    }

    /// `select` matches natively; what it finds must be exactly what the selector's XPath finds,
    /// corner cases included (a missing attribute reads as "" in `^=`, `$=`, `*=`).
    @Test(arguments: [
        "li", "*", "#main > h2", ".special", "li.odd.special", "[data-kind]", "li[data-kind=first-item]",
        "a[href^='https:']", "a[href$=\".pdf\"]", "a[href*=local]", "li[class~=odd]", "li[lang|=en]", "li[lang|=en-GB]",
        "li[title^='']", "li[title$='']", "li[title*='']", "li[class~='odd special']", "li[class~='']", "li[lang|='']",
        "[id=main]", "[class='content wide']", "li[class=odd]", "li:first-child", "li:last-child", "li:only-child",
        "li:nth-child(2)", "li:nth-child(odd)", "li:nth-child(2n+2)", "li:nth-child(-n+2)", "li:nth-child(2n-1)",
        "h2 + ul > li:first-child", "div > p, p.outside", "p.outside, h2", "ul > li + li", "*#main > .title", "DIV > UL",
        "div p", "h2 ~ p a", "ul li", "div li:nth-child(2)", "h2 ~ *", "li ~ li", "div * li", "#main li + li ~ li", "* *",
        "div ul li:last-child, li:first-child ~ li:nth-child(odd)", "li + li ~ li[lang]", "p a + a",
        #"\*"#, #"li\[x"#, "\u{e9}l", #"\31 li"#, #"ul > \*, li"#,
    ])
    func nativeMatchingAgreesWithTheXPath(selector: String) throws {
        let document = try Fixtures.parse(Self.page + "<ul><li class=' odd\tspecial  '>tab</li></ul>")
        let compiled = try CSSSelector(selector)
        #expect(try document.select(compiled) == document.nodes(xpath: compiled.xpath))
        let list = try #require(try document.select("ul.items").first)
        #expect(try document.select(compiled, from: list) == document.nodes(xpath: compiled.xpath, from: list))
    }

    @Test func descendantAndSiblingCombinatorsOnHundredThousandNestedTags() throws {
        let document = try Fixtures.parse(String(repeating: "<div>", count: 100_000) + "<p>deep</p>")
        #expect(try document.select("span div").isEmpty)
        #expect(try document.select("div > p").map(\.textContent) == ["deep"])
        #expect(try document.select("div:first-child").count == 100_000)
    }

    @Test func quotedAttributeValuesWithEscapesAndBothQuotes() throws {
        let document = try Fixtures.parse(Self.page)
        let both = try CSSSelector(#"li[title="it's \"quoted\""]"#)
        #expect(both.xpath.contains("concat("))
        #expect(try document.select(both).map(\.textContent) == ["four"])
        #expect(try document.select(#"li[title^='it\'s']"#).map(\.textContent) == ["four"])
    }

    @Test func selectionRelativeToANode() throws {
        let document = try Fixtures.parse(Self.page)
        let list = try #require(try document.select("ul.items").first)
        #expect(try document.select("li:nth-child(3)", from: list).map(\.textContent) == ["three"])
        #expect(try document.select("p", from: list).isEmpty)
    }

    @Test(arguments: [
        ("", 0), ("div >", 5), ("li:hover", 3), ("a[href", 6), ("a[href=]", 7), ("p..x", 2),
        ("li:nth-child(x)", 15), ("a[href='x]", 10), (",p", 0), ("div @ p", 4),
    ])
    func invalidSelectorsNameTheSelector(selector: String, position: Int) throws {
        let error = try #require(throws: HTMLError.self) { try CSSSelector(selector) }
        #expect(error.code == .invalidSelector)
        #expect(error.expression == selector)
        #expect(error.position == position)
        #expect(error.description.contains("\"\(selector)\""))
    }

    /// `a` and `b` past a billion are refused: `-a` and `index - b` overflowed and trapped.
    @Test(arguments: ["li:nth-child(-9223372036854775808n)", "li:nth-child(n-9223372036854775808)", "li:nth-child(1000000001)", "li:nth-child(-2n+9223372036854775807)"])
    func nthChildArgumentsOutOfRangeAreInvalid(selector: String) throws {
        let error = try #require(throws: HTMLError.self) { try CSSSelector(selector) }
        #expect(error.code == .invalidSelector)
        #expect(error.message.hasPrefix("bad :nth-child argument"))
        #expect(try Fixtures.parse(Self.page).select("li:nth-child(-1000000000n+1000000000)").isEmpty)
    }

    @Test func xpathReturnsEachType() throws {
        let document = try Fixtures.parse(Self.page)
        #expect(try document.xpath("//li").nodes.count == 4)
        #expect(try document.xpath("//li/@lang").nodes.map(\.textContent) == ["en-GB"])
        #expect(try document.xpath("//li/@lang").nodes.first?.kind == .attribute)
        #expect(try document.xpath("//li[2]/text()").nodes.first?.kind == .text)
        #expect(try document.xpath("string(//h2)") == .string("A"))
        #expect(try document.xpath("count(//li)") == .number(4))
        #expect(try document.xpath("count(//li) > 3") == .boolean(true))
        #expect(try document.xpath("//nothing") == .nodes([]))
    }

    @Test func xpathRelativeToANode() throws {
        let document = try Fixtures.parse(Self.page)
        let list = try #require(try document.select("ul").first)
        #expect(try document.xpath("count(li)", from: list) == .number(4))
        #expect(try document.xpath("string(../h2)", from: list) == .string("A"))
    }

    @Test(arguments: ["//li[", "count(", "//li[@class='x'", "1 +", "unknown-function(1)", "//*[", "$undefined"])
    func xpathErrorsNameTheExpression(expression: String) throws {
        let document = try Fixtures.parse(Self.page)
        let error = try #require(throws: HTMLError.self) { try document.xpath(expression) }
        #expect(error.code == .invalidXPath)
        #expect(error.expression == expression)
        #expect(!error.message.isEmpty && !error.message.hasSuffix("\n"))
        #expect(try document.xpath("count(//li)") == .number(4))
    }

    @Test func nodesRejectsNonNodeSetExpressions() throws {
        let document = try Fixtures.parse(Self.page)
        let error = try #require(throws: HTMLError.self) { try document.nodes(xpath: "count(//li)") }
        #expect(error.expression == "count(//li)")
    }

    @Test func selectorsOnRealPage() throws {
        let document = try Fixtures.document("python-docs/library-os.path.html")
        let functions = try document.select("dl.py.function > dt")
        #expect(functions.count > 20)
        #expect(functions.first?.attribute("id") == "os.path.abspath")
        let viaXPath = try document.nodes(xpath: "//dl[contains(concat(' ', @class, ' '), ' function ')]/dt")
        #expect(viaXPath == functions)
        #expect(try document.select("h1").first.map { document.visibleText(of: $0) } == "os.path — Common pathname manipulations¶")
    }
}
