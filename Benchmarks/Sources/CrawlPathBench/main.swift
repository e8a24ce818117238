// CrawlPathBench: the `crawl` op's work in one process, for counting its instructions with
// callgrind (issues 18 and 25), which cannot run the daemon itself: URL check, engine
// selection (policies.lua), the pooled HTTP engine's fetch over loopback, the request-memory
// reservation, one parse, links and the shipped extract.lua: `Crawler.crawl`, what `CrawlOp`
// runs for each request. Left out: the line protocol (decode, answer), admission and politeness.
//
//     CrawlPathBench URLS_FILE CRAWLS [--concurrency 8]
//
// URLS_FILE holds one URL a line (crawl.sh writes them for nginx serving a docs corpus); the
// crawls cycle through it. A first pass of 200 crawls warms the engine's connections and the
// Lua states and is not counted in the figures it prints; callgrind counts the whole run, so
// take the instructions of a run with CRAWLS and one with 2 × CRAWLS and divide their
// difference by CRAWLS (start-up and warm-up cancel out):
//
//     valgrind --tool=callgrind --callgrind-out-file=/dev/null CrawlPathBench-stripped urls.txt 500
import BenchSupport
import Crawl
import Foundation
import Logging
import NIOPosix
import Pool
import Scripting

/// Crawls `count` URLs of `urls` in turn, `concurrency` at a time; returns how many failed.
func crawl(_ urls: [String], count: Int, concurrency: Int, with crawler: Crawler) async -> Int {
    await withTaskGroup(of: Bool.self) { group in
        var next = 0
        var failed = 0
        func start() {
            let url = urls[next % urls.count]
            next += 1
            group.addTask { (try? await crawler.crawl(CrawlRequest(url: url))) != nil }
        }
        while next < min(concurrency, count) { start() }
        for await succeeded in group {
            if !succeeded { failed += 1 }
            if next < count { start() }
        }
        return failed
    }
}

/// The whole run; `runBlocking` below keeps the top level synchronous, so callgrind can count it.
func benchmark() async throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    let concurrency = option("--concurrency", in: &arguments).flatMap(Int.init) ?? 8
    guard arguments.count == 2, let count = Int(arguments[1]), count > 0 else {
        print("usage: CrawlPathBench URLS_FILE CRAWLS [--concurrency 8]")
        exit(2)
    }
    let urls = try String(contentsOfFile: arguments[0], encoding: .utf8).split(separator: "\n").map(String.init)
    let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../scripts").standardized.path
    let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let registry = ScriptRegistry(directory: scripts, logger: logger)
    try await registry.reload()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let pool = EnginePool(policy: registry.policies, logger: logger)
    let crawler = Crawler(pool: pool, scripts: registry, validator: URLValidator(), eventLoopGroup: group, logger: logger)
    try await crawler.startPermanentEngine()

    let warmFailed = await crawl(urls, count: 200, concurrency: concurrency, with: crawler)
    let wallStart = Date()
    let cpuStart = processCPUTime()
    let failed = await crawl(urls, count: count, concurrency: concurrency, with: crawler)
    let cpu = processCPUTime() - cpuStart
    let wall = Date().timeIntervalSince(wallStart)
    print(
        String(
            format: "%d crawls, %d in flight: %.0f crawls/s, %.0f us CPU a crawl (process, all threads), %d failed (+%d warming up)",
            count, concurrency, Double(count) / wall, cpu / Double(count) * 1e6, failed, warmFailed))
    await pool.shutdown()
    try await group.shutdownGracefully()
}

runBlocking(benchmark)
