// SelectorBench: CSS selectors and XPath on the 1 MB page shapes of issue 18 (defect 4).
//
//     cd Benchmarks && swift build -c release --product SelectorBench && .build/release/SelectorBench
//
// Prints, per page shape and selector, the milliseconds of one `select` (median of 5), so that
// "any selector on a 1 MB page of any shape answers within 100 ms" can be read off; then the
// time libxml2 takes to refuse a polynomial XPath at `HTMLDocument.xpathOperationLimit`.
import Foundation
import HTML

func milliseconds(_ body: () throws -> Int) rethrows -> (Double, Int) {
    var times: [Double] = []
    var result = 0
    for _ in 0..<5 {
        let start = ContinuousClock.now
        result = try body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
    }
    return (times.sorted()[2], result)
}

func page(_ html: String) -> HTMLDocument {
    try! HTMLDocument(bytes: Array(html.utf8), contentType: "text/html")
}

let shapes: [(String, HTMLDocument)] = [
    ("40,000 nested divs", page("<html><body>" + (0..<40_000).map { $0 % 2 == 0 ? "<div class=\"a\"><p>x</p>" : "<div><p>x</p>" }.joined())),
    ("100,000 list items", page("<ul>" + String(repeating: "<li>i</li>", count: 100_000) + "</ul><p>after</p>")),
    ("500 sections x 100 spans", page(String(repeating: "<section>" + String(repeating: "<span title=\"s-1\">t</span>", count: 100), count: 500))),
]
let selectors = [
    "p", "div p", "div div div div p", "div > p", "p + div", "p ~ div", "div.a div.a p", "[class~=a]", "li:nth-child(2n+1)",
    "li + li", "li ~ li", "section span", "span ~ section > span", "span:nth-child(100)", "section:last-child", "*",
    "div p, li, span",
]
for (name, document) in shapes {
    print("== \(name)")
    for source in selectors {
        let selector = try CSSSelector(source)
        let (time, count) = milliseconds { document.select(selector).count }
        print("  " + source.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " %8.2f ms  %7d matches", time, count))
    }
}

print("== XPath refused at the operation limit (\(HTMLDocument.xpathOperationLimit) operations)")
let nested = page(String(repeating: "<div><p>x</p>", count: 5_000))
for expression in ["//*[count(ancestor::*) > count(descendant::*)]", "//div[.//div[.//p]]", "count(//p[count(preceding::p) > 1])"] {
    let (time, _) = milliseconds { (try? nested.xpath(expression)) == nil ? 0 : 1 }
    print("  " + expression.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: " %8.2f ms", time))
}
