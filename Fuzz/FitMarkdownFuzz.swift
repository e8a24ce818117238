// libFuzzer target: main-content detection and its Markdown (Sources/HTML/MainContent.swift,
// ContentScanner.swift, BoilerplateRules.swift, BM25BlockFilter.swift). The first byte says
// whether a query filters the blocks; the rest is the page. Whatever the markup, fit_markdown
// must end (the -timeout catches a walk that does not), be the same from a second parse of the
// page (nothing may hang on where a tree lies in memory, nor on the pages before it), and be no
// longer than the Markdown of its root and title, of which it is the part left after furniture.
//
// The bound is not the page's whole Markdown: a subtree renders differently on its own than in
// its place. `markdown()` writes a `<pre>` inside a link as one line of inline code and leaves
// out what a table holds outside its cells (a pipe table has no place for it); a main content
// found inside such a link or table comes out whole, so fit_markdown may be longer than the
// whole page's Markdown by any amount (FitMarkdownTests.contentInsideATableOrLinkIsRenderedOnItsOwn).
@testable import HTML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFitMarkdown(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let page = UnsafeBufferPointer(start: data + 1, count: size - 1)
    // Both trees alive at once, so the second lies at other addresses.
    guard let document = try? HTMLDocument(bytes: page), let again = try? HTMLDocument(bytes: page) else { return 0 }
    let query = data[0] & 1 == 1 ? "content main text" : nil
    let fit = document.fitMarkdown(query: query)
    if again.fitMarkdown(query: query) != fit { fatalError("fit_markdown differs between two parses of the same page") }
    guard let content = document.mainContent() else {
        if !fit.isEmpty { fatalError("fit_markdown without a main content") }
        return 0
    }
    let rendered = [content.title, content.root].compactMap { $0 }.reduce(0) { total, node in
        total + document.markdown(of: HTMLNode(document: document, pointer: node)).utf8.count
    }
    if fit.utf8.count > rendered * 2 + 64 { fatalError("fit_markdown is longer than its root's Markdown twice over") }
    return 0
}
