// libFuzzer target: main-content detection and its Markdown (Sources/HTML/MainContent.swift,
// ContentScanner.swift, BoilerplateRules.swift, BM25BlockFilter.swift). The first byte says
// whether a query filters the blocks; the rest is the page. Whatever the markup, fit_markdown
// must end (the -timeout catches a walk that does not) and be no longer than the page's whole
// Markdown plus its title line, which it may add.
@testable import HTML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFitMarkdown(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0, let document = try? HTMLDocument(bytes: UnsafeBufferPointer(start: data + 1, count: size - 1)) else { return 0 }
    let query = data[0] & 1 == 1 ? "content main text" : nil
    let fit = document.fitMarkdown(query: query)
    let whole = document.markdown()
    if fit.utf8.count > whole.utf8.count * 2 + 64 { fatalError("fit_markdown is longer than the page's Markdown twice over") }
    return 0
}
