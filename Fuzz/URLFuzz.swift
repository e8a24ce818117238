// libFuzzer target: link resolution (Sources/HTML/URLResolver.swift) and the crawl frontier's URL
// normal form (Sources/Jobs/CrawlURL.swift). The input is a base and an href separated by a
// newline. A resolved link must normalise, if at all, to a fixed point: normalising the normal
// form again changes nothing (else a job fetches a page twice).
@testable import HTML
import Jobs

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let base = parts.count == 2 ? String(parts[0]) : "https://example.org/dir/page.html"
    let href = String(parts.last ?? "")
    for candidate in [URLResolver.resolve(href, against: base), URLResolver.resolve(href, against: nil, keepFragment: true), text] {
        guard let candidate, let url = CrawlURL(candidate) else { continue }
        guard let again = CrawlURL(url.string) else { fatalError("\(url.string) (from \(candidate)) does not parse again") }
        if again.string != url.string { fatalError("\(candidate) normalises to \(url.string), then to \(again.string)") }
    }
    return 0
}
