// libFuzzer target: robots.txt parsing and rule matching (Sources/Jobs/RobotsRules.swift and
// Wildcard.swift). The first line of the input is a path to ask about, the rest the robots.txt.
import Jobs

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRobotsRules(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let path = parts.count == 2 ? String(parts[0]) : "/a/b?c=d"
    let rules = RobotsRules(parsing: String(parts.last ?? ""), userAgent: "crawld")
    _ = rules.allows(path: path)
    if !rules.allows(path: "/robots.txt") { fatalError("/robots.txt must always be allowed") }
    if rules.sitemaps.count > RobotsRules.maxSitemaps { fatalError("more sitemap lines than the limit") }
    return 0
}
