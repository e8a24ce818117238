// BrowserBench: what a pooled browser saves over a cold one, and what it holds,
// for the engine alone and for crawld's `crawl` op over TCP.
//
//   cd Benchmarks && swift build -c release && .build/release/BrowserBench [CRAWLD]
//
// Serves Tests/Servers/browserpages.py on loopback and measures, on one run:
// - engine, cold: launch Chromium, render a small page (context, navigate,
//   outerHTML, dispose), close (p50 of 20);
// - engine, pooled: the same on a browser already running (p50 of 20, after 5 warm-up pages);
// - engine, pooled with --deny-private's proxy: the same on a guarded browser,
//   in turns with an unguarded one (p50 of 20 each);
// - engine, throughput: pages/s with 4 renders in flight on one browser (200 pages);
// - engine, PSS of the browser's process tree: idle after start, after 1 page
//   (its spare renderer up), right after 200 more, and idle again (spare dropped);
// - with CRAWLD (a crawld binary): `crawl` with `"engine": "browser"` on one
//   connection: pooled p50 of 20, cold p50 of 20 (a config never seen before,
//   so a new browser, killed after), pages/s with 4 pipelined, and the
//   browser's PSS from `monitor.pool` idle, right after 200 pages and idle again.
// Benchmarks/scripts/cdp_reference.py measures the bare browser the same way.
import Engines
import Foundation
import JSON
import Logging

let logger = Logger(label: "browser-bench") { _ in SwiftLogNoOpLogHandler() }
let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Starts browserpages.py and returns it with its port.
func startServer() throws -> (Process, Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-u", root.appendingPathComponent("Tests/Servers/browserpages.py").path]
    let stdout = Pipe()
    process.standardInput = Pipe()
    process.standardOutput = stdout
    try process.run()
    var line: [UInt8] = []
    while let byte = try stdout.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") { line.append(byte) }
    guard let port = Int(String(decoding: line, as: UTF8.self).dropFirst(5)) else {
        throw BrowserBenchError("browserpages.py did not print its port")
    }
    // The server prints a line per request; read them so that it never blocks on a full pipe.
    Thread.detachNewThread { while (try? stdout.fileHandleForReading.read(upToCount: 65_536))??.isEmpty == false {} }
    return (process, port)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func median(_ samples: [Duration]) -> Double {
    let sorted = samples.map(milliseconds).sorted()
    return sorted[sorted.count / 2]
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

let (server, port) = try startServer()
defer { server.terminate() }
let page = "http://127.0.0.1:\(port)/small"
let clock = ContinuousClock()
let pages = 200

print("BrowserBench (chromium-headless-shell over --remote-debugging-pipe, page \(page))")

// MARK: - The engine alone

var cold: [Duration] = []
for _ in 0..<20 {
    cold.append(
        try await clock.measure {
            let engine = BrowserEngine(logger: logger)
            try await engine.start()
            _ = try await engine.render(url: page)
            await engine.close()
        }
    )
}

// A short spare timeout, so that "idle after 200 pages" needs no long wait.
let engine = BrowserEngine(launch: BrowserLaunchConfiguration(spareIdleTimeout: .seconds(2)), logger: logger)
try await engine.start()
try await Task.sleep(for: .milliseconds(500))
let idle = await engine.memoryBytes()
_ = try await engine.render(url: page)
try await Task.sleep(for: .milliseconds(500))
let afterOne = await engine.memoryBytes()
for _ in 0..<5 { _ = try await engine.render(url: page) }
var pooled: [Duration] = []
for _ in 0..<20 {
    pooled.append(try await clock.measure { _ = try await engine.render(url: page) })
}
// Under --deny-private every connection goes through crawld's proxy: the
// same page on a second browser with a rule that allows 127.0.0.1, renders
// taken in turns with the first so that both see the same machine.
let guarded = BrowserEngine(
    addressGuard: BrowserAddressGuard { host throws(EngineError) in
        guard let address = IPAddress(host) else { throw EngineError(.blockedAddress, "\(host): names are refused here") }
        return [address]
    },
    logger: logger
)
try await guarded.start()
for _ in 0..<5 { _ = try await guarded.render(url: page) }
var plainTurns: [Duration] = []
var guardedTurns: [Duration] = []
for _ in 0..<20 {
    plainTurns.append(try await clock.measure { _ = try await engine.render(url: page) })
    guardedTurns.append(try await clock.measure { _ = try await guarded.render(url: page) })
}
await guarded.close()
let elapsed = try await clock.measure {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<4 {
            group.addTask {
                for _ in stride(from: worker, to: pages, by: 4) { _ = try await engine.render(url: page) }
            }
        }
        try await group.waitForAll()
    }
}
try await Task.sleep(for: .milliseconds(500))
let inUse = await engine.memoryBytes()
try await Task.sleep(for: .seconds(4))
let afterMany = await engine.memoryBytes()
await engine.close()

print(String(format: "  engine cold   p50 over 20: %7.1f ms  (launch, context, navigate, HTML, dispose, close)", median(cold)))
print(String(format: "  engine pooled p50 over 20: %7.1f ms  (context, navigate, HTML, dispose)", median(pooled)))
print(String(format: "  engine pooled p50 over 20, in turns: direct %7.1f ms, through the --deny-private proxy %7.1f ms", median(plainTurns), median(guardedTurns)))
print(String(format: "  engine 4 in flight: %.1f pages/s (%d pages in %.0f ms)", Double(pages) / (milliseconds(elapsed) / 1000), pages, milliseconds(elapsed)))
print(
    "  engine PSS idle: \(megabytes(idle)), after 1 page (spare renderer up): \(megabytes(afterOne)), "
        + "right after \(pages + 26) pages: \(megabytes(inUse)), idle again after them (spare dropped): \(megabytes(afterMany))")

// MARK: - crawld's crawl op

if CommandLine.arguments.count > 1 {
    let daemon = try DaemonClient(binary: CommandLine.arguments[1], scripts: root.appendingPathComponent("scripts").path)
    let crawl: JSONObject = ["op": "crawl", "url": .string(page), "engine": "browser"]
    /// The browser's memory as `monitor.pool` reports it (PSS over its process group).
    func browserMemory() throws -> Int {
        let rows = try daemon.call(["op": "monitor.pool"])["engines"]?.arrayValue ?? []
        let browser = rows.compactMap(\.objectValue).first { $0["engine"] == "browser" }
        return Int(browser?["memory_bytes"]?.intValue ?? 0)
    }
    _ = try daemon.call(crawl)
    // crawld's browsers drop their spare renderer after 15 s idle.
    try await Task.sleep(for: .seconds(17))
    let crawldIdle = try browserMemory()
    for _ in 0..<5 { _ = try daemon.call(crawl) }
    var crawldPooled: [Duration] = []
    for _ in 0..<20 { crawldPooled.append(try clock.measure { _ = try daemon.call(crawl) }) }
    let crawldElapsed = try clock.measure {
        for _ in 0..<(pages / 4) { _ = try daemon.call(Array(repeating: crawl, count: 4)) }
    }
    try await Task.sleep(for: .milliseconds(500))
    let crawldInUse = try browserMemory()
    try await Task.sleep(for: .seconds(17))
    let crawldAfter = try browserMemory()
    var crawldCold: [Duration] = []
    for run in 0..<20 {
        var request = crawl
        request["config"] = ["user_agent": .string("BrowserBench cold \(run)")]
        var signature = ""
        crawldCold.append(try clock.measure { signature = try daemon.call(request)["pool"]?.objectValue?["sig"]?.stringValue ?? "" })
        _ = try daemon.call(["op": "pool.kill", "sig": .string(signature)])
    }
    print(String(format: "  crawld pooled crawl p50 over 20: %7.1f ms", median(crawldPooled)))
    print(String(format: "  crawld cold   crawl p50 over 20: %7.1f ms  (a new browser for a config not seen before)", median(crawldCold)))
    print(String(format: "  crawld 4 pipelined: %.1f pages/s (%d pages in %.0f ms)", Double(pages) / (milliseconds(crawldElapsed) / 1000), pages, milliseconds(crawldElapsed)))
    print(
        "  crawld browser PSS idle (1 page, then 17 s): \(megabytes(crawldIdle)), right after \(pages + 25) more pages: "
            + "\(megabytes(crawldInUse)), idle again after them: \(megabytes(crawldAfter))")
}
