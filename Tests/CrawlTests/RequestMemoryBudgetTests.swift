import Testing

@testable import Crawl

/// The estimate a crawl reserves before its page is parsed.
@Suite struct RequestMemoryBudgetTests {
    /// Every `<` and every `=` counts, at the first and the last byte too, and nothing else does.
    @Test func treeEstimateCountsEveryTagAndAttribute() {
        let perTag = RequestMemoryBudget.treeBytesPerTag
        let perAttribute = RequestMemoryBudget.treeBytesPerAttribute
        let page = Array("=<p class=\"a\">a < b</p><br id=x>text<".utf8)
        #expect(RequestMemoryBudget.cost(of: page, parsesTree: true) == 2 * page.count + 5 * perTag + 3 * perAttribute)
        let plain = Array("no tags here, only text".utf8)
        #expect(RequestMemoryBudget.cost(of: plain, parsesTree: true) == 2 * plain.count)
        #expect(RequestMemoryBudget.cost(of: [], parsesTree: true) == 0)
    }

    /// Across a body larger than any vector width, with tags and attributes at uneven gaps.
    @Test func treeEstimateOnALargeBody() {
        var page: [UInt8] = []
        var tags = 0
        var attributes = 0
        for gap in 0..<3_000 {
            page.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: gap % 97))
            page.append(UInt8(ascii: "<"))
            tags += 1
            if gap % 7 == 0 {
                page.append(contentsOf: repeatElement(UInt8(ascii: "y"), count: gap % 41))
                page.append(UInt8(ascii: "="))
                attributes += 1
            }
        }
        #expect(
            RequestMemoryBudget.cost(of: page, parsesTree: true)
                == 2 * page.count + tags * RequestMemoryBudget.treeBytesPerTag + attributes * RequestMemoryBudget.treeBytesPerAttribute
        )
    }

    /// Attributes weigh on the estimate as they weigh on the tree (each is a
    /// node, a text child and a value): a page of links with attributes is
    /// estimated heavier than the same tags without, by more than the bytes
    /// that tell them apart.
    @Test func attributesWeighOnTheEstimate() {
        let bare = Array(String(repeating: "<a>link</a>\n", count: 1_000).utf8)
        let attributed = Array(String(repeating: "<a href=/p class=r>link</a>\n", count: 1_000).utf8)
        let difference = RequestMemoryBudget.cost(of: attributed, parsesTree: true) - RequestMemoryBudget.cost(of: bare, parsesTree: true)
        #expect(difference > 2 * (attributed.count - bare.count) + 2 * 1_000 * 100)
    }

    /// A page streamed for its title and links holds the body and one copy, no tree.
    @Test func noTreeCostsTwiceTheBody() {
        let page = Array("<html><title>t</title></html>".utf8)
        #expect(RequestMemoryBudget.cost(of: page, parsesTree: false) == 2 * page.count)
    }
}
