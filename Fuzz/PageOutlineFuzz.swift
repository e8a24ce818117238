// libFuzzer target: the byte scanner behind PageOutline (Sources/HTML/OutlineScanner.swift)
// against libxml2's tree. Whatever the markup, a page the scanner reads must get the tree's
// title and links; where it defers, libxml2's streaming pass answers (PageOutlineTests holds
// that pass to the tree).
import HTML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPageOutline(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = UnsafeBufferPointer(start: data, count: size)
    let url = "https://h.example/dir/page.html?q=1"
    let outline = PageOutline(bytes: body, contentType: "text/html", url: url)
    guard outline.scanned, let document = try? HTMLDocument(bytes: body, contentType: "text/html", url: url) else { return 0 }
    if outline.title != document.title { fatalError("title: scanner \(outline.title ?? "nil"), tree \(document.title ?? "nil")") }
    if outline.links != document.links { fatalError("links: scanner \(outline.links), tree \(document.links)") }
    return 0
}
