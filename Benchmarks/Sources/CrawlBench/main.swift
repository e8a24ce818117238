// CrawlBench: memory and speed of a job's dedupe structures (the full-site crawl
// against Scrapy comes with the Crawl module). Run:
//   cd Benchmarks && swift build -c release && .build/release/CrawlBench [urls]
import Foundation
import Jobs

/// Resident memory of this process, from /proc/self/status, in bytes.
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
let urls = (0..<count).map { "https://docs.example.org/section-\($0 % 997)/page-\($0).html?lang=en" }

let before = residentBytes()
let clock = ContinuousClock()
var seen = SeenSet()
let insertTime = clock.measure {
    for url in urls { seen.insert(url) }
}
let seenBytes = residentBytes() - before
let lookupTime = clock.measure {
    var hits = 0
    for url in urls where seen.contains(url) { hits += 1 }
    precondition(hits == count)
}
let encodeStart = clock.now
let encoded = seen.encoded
let encodeTime = clock.now - encodeStart
print("seen-set: \(count) URLs, \(seen.count) kept, RSS +\(megabytes(seenBytes)) (\(seenBytes / max(1, count)) B/URL)")
print("  insert \(insertTime), lookup \(lookupTime), checkpoint form \(megabytes(encoded.utf8.count)) in \(encodeTime)")

let beforeFrontier = residentBytes()
var frontier = Frontier(maxPages: count, maxDepth: 100, maxQueued: count, margin: 0)
let queueTime = clock.measure {
    for url in urls { frontier.add(CrawlURL(url)!, depth: 1) }
}
print("frontier: \(frontier.queuedCount) queued (seen-set included), RSS +\(megabytes(residentBytes() - beforeFrontier)) in \(queueTime)")
