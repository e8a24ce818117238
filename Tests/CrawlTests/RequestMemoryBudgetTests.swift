import Testing

@testable import Crawl

/// The estimate a crawl reserves before its page is parsed.
@Suite struct RequestMemoryBudgetTests {
    /// Every `<` counts, at the first and the last byte too, and nothing else does.
    @Test func treeEstimateCountsEveryTag() {
        let perTag = RequestMemoryBudget.treeBytesPerTag
        let page = Array("<p>a < b</p><br>text<".utf8)
        #expect(RequestMemoryBudget.cost(of: page, parsesTree: true) == 2 * page.count + 5 * perTag)
        let plain = Array("no tags here, only text".utf8)
        #expect(RequestMemoryBudget.cost(of: plain, parsesTree: true) == 2 * plain.count)
        #expect(RequestMemoryBudget.cost(of: [], parsesTree: true) == 0)
    }

    /// Across a body larger than any vector width, with tags at uneven gaps.
    @Test func treeEstimateOnALargeBody() {
        var page: [UInt8] = []
        var tags = 0
        for gap in 0..<3_000 {
            page.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: gap % 97))
            page.append(UInt8(ascii: "<"))
            tags += 1
        }
        #expect(RequestMemoryBudget.cost(of: page, parsesTree: true) == 2 * page.count + tags * RequestMemoryBudget.treeBytesPerTag)
    }

    /// A page streamed for its title and links holds the body and one copy, no tree.
    @Test func noTreeCostsTwiceTheBody() {
        let page = Array("<html><title>t</title></html>".utf8)
        #expect(RequestMemoryBudget.cost(of: page, parsesTree: false) == 2 * page.count)
    }
}
