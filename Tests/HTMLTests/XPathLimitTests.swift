import HTML
import Testing

/// XPath from scripts runs under libxml2's operation limit (issue 18, defect 4): expressions that
/// visit a polynomial number of nodes stop with `xpath_limit` instead of holding a core, and the
/// document stays usable. (Chains of `//` steps are not among them: see
/// `HTMLDocument.xpathOperationLimit`.)
@Suite(.timeLimit(.minutes(5))) struct XPathLimitTests {
    /// 5,000 divs nested in one another, each with a paragraph.
    static func nested() throws -> HTMLDocument {
        let html = String(repeating: "<div><p>x</p>", count: 5_000) + String(repeating: "</div>", count: 5_000)
        return try HTMLDocument(bytes: Array(html.utf8), contentType: "text/html")
    }

    @Test(arguments: ["//*[count(ancestor::*) > count(descendant::*)]", "//div[.//div[.//p]]", "count(//p[count(preceding::p) > 1])"])
    func polynomialExpressionsStopAtTheLimit(expression: String) throws {
        let document = try Self.nested()
        let error = try #require(throws: HTMLError.self) { try document.xpath(expression) }
        #expect(error.code == .xpathLimit)
        #expect(error.code.description == "xpath_limit")
        #expect(error.expression == expression)
        #expect(error.message.contains("\(HTMLDocument.xpathOperationLimit)"))
        // The count starts again for each expression, so the next one answers.
        #expect(try document.xpath("count(//div)") == .number(5_000))
        #expect(try document.xpath("count(//div/p)") == .number(5_000))
    }

    @Test func linearExpressionsOnALargePageStayUnderTheLimit() throws {
        let document = try Fixtures.document("python-docs/library-os.path.html")
        #expect(try document.nodes(xpath: "//a[contains(@href, 'os')]").count > 10)
        #expect(try document.nodes(xpath: "//dl[contains(concat(' ', @class, ' '), ' function ')]/dt").count > 20)
        #expect(try document.xpath("count(//*)") != .number(0))
        #expect(try document.xpath("string-length(normalize-space(//body))") != .number(0))
    }
}
