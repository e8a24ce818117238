// libFuzzer target: the CSS selector parser and the native matcher (Sources/HTML). Any selector
// must parse or fail with an `HTMLError`, and a parsed one must select exactly what its XPath
// selects on a small page with every shape the combinators care about (nesting, siblings, text
// between elements, attributes).
import HTML

nonisolated(unsafe) private let page = try! HTMLDocument(
    bytes: Array(
        """
        <div id="a" class="x y"><p lang="en-GB">1<span>s</span></p> text <p title="t-1">2</p><!-- c -->
        <ul><li>a</li><li class="x">b</li><li><div><p>3</p></div></li></ul></div><p>4</p><section><div></div></section>
        """.utf8), contentType: "text/html")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSSSelector(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let selector = try? CSSSelector(source) else { return 0 }
    let native = page.select(selector)
    // Names XPath cannot spell (`1a`, non-ASCII escapes) make its compile fail: nothing to compare.
    if let expected = try? page.nodes(xpath: selector.xpath), native != expected {
        fatalError("\(source): native \(native.count) nodes, XPath \(expected.count)")
    }
    return 0
}
