// libFuzzer target: sitemap parsing (Sources/Sitemaps: libxml2's streaming reader, gzip through
// zlib). The input is the body as fetched, XML or gzip; limits are lowered so the limit paths run.
import Sitemaps

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSitemap(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let document = SitemapParser.parse(body, maxEntries: 64, maxBytes: 1 << 20)
    if document.entries.count > 64 { fatalError("more entries than the limit") }
    if document.entries.contains(where: { $0.loc.isEmpty }) { fatalError("an entry without loc") }
    for entry in document.entries { _ = entry.lastmod.flatMap(W3CDate.seconds) }
    return 0
}
