import HTML
import Testing

/// XPath from scripts runs under libxml2's operation limit (issue 18, defect 4): expressions that
/// visit a polynomial number of nodes stop with `xpath_limit` instead of holding a core, and the
/// document stays usable. What the limit does not count (merging node-sets) ends at the
/// deadline scripts' expressions run under.
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

    /// 40,000 `<div><span>` side by side: 1 MB, flat.
    static func flat() throws -> HTMLDocument {
        try HTMLDocument(bytes: Array(String(repeating: "<div><span>x</span></div>", count: 40_000).utf8), contentType: "text/html")
    }

    /// `count(//div//span)` merges one span at a time into the result, each merge comparing it
    /// with every span before it: 10 s between two counted operations, which the limit never
    /// sees. Under a deadline the evaluation is abandoned at it, and the document stays usable
    /// while the abandoned thread winds down.
    @Test func aQuadraticMergeEndsAtTheDeadline() throws {
        let document = try Self.flat()
        let start = ContinuousClock.now
        let error = try #require(throws: HTMLError.self) {
            try document.xpath("count(//div//span)", deadline: start + .milliseconds(200))
        }
        // A liveness bound, not a timing: without the deadline this takes about 10 s.
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(error.code == .xpathLimit)
        #expect(error.message.contains("deadline"), "\(error.message)")
        #expect(try document.xpath("count(//div/span)", deadline: .now + .seconds(30)) == .number(40_000))
        #expect(document.links.isEmpty)
    }

    /// Through the worker, every result type, the context node and errors are what the
    /// evaluation on the calling thread gives.
    @Test func aDeadlineChangesNoResult() throws {
        let document = try HTMLDocument(bytes: Array("<ul><li><a href='a'>A</a></li><li>B</li></ul>".utf8), contentType: "text/html")
        let deadline = ContinuousClock.now + .seconds(30)
        for expression in ["//li", "//a/@href", "count(//li)", "string(//li[2])", "boolean(//table)"] {
            #expect(try document.xpath(expression, deadline: deadline) == document.xpath(expression))
        }
        let list = try #require(try document.nodes(xpath: "//ul").first)
        #expect(try document.xpath("count(li)", from: list, deadline: deadline) == .number(2))
        let invalid = try #require(throws: HTMLError.self) { try document.xpath("//li[", deadline: deadline) }
        #expect(invalid.code == .invalidXPath)
        let unknown = try #require(throws: HTMLError.self) { try document.xpath("nosuch(//li)", deadline: deadline) }
        #expect(unknown.code == .invalidXPath)
    }

    @Test func linearExpressionsOnALargePageStayUnderTheLimit() throws {
        let document = try Fixtures.document("python-docs/library-os.path.html")
        #expect(try document.nodes(xpath: "//a[contains(@href, 'os')]").count > 10)
        #expect(try document.nodes(xpath: "//dl[contains(concat(' ', @class, ' '), ' function ')]/dt").count > 20)
        #expect(try document.xpath("count(//*)") != .number(0))
        #expect(try document.xpath("string-length(normalize-space(//body))") != .number(0))
    }
}
