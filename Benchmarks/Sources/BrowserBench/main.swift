// BrowserBench: what a pooled browser saves over a cold one, and what it holds.
//
//   cd Benchmarks && swift build -c release && .build/release/BrowserBench
//
// Serves Tests/Servers/browserpages.py on loopback and measures, on one run:
// - cold: launch Chromium, fresh context, navigate a small page, outerHTML, dispose, close (p50 of 20);
// - pooled: the same on a browser already running (p50 of 20, after 5 warm-up pages);
// - throughput: pages/s with 4 renders in flight on one browser (200 pages);
// - PSS of the browser's process tree: idle after start, after 1 page, after 200 more.
import Engines
import Foundation
import Logging

let logger = Logger(label: "browser-bench") { _ in SwiftLogNoOpLogHandler() }

/// Starts browserpages.py and returns it with its port.
func startServer() throws -> (Process, Int) {
    let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Servers/browserpages.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-u", script.path]
    let stdout = Pipe()
    process.standardInput = Pipe()
    process.standardOutput = stdout
    try process.run()
    var line: [UInt8] = []
    while let byte = try stdout.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") { line.append(byte) }
    guard let port = Int(String(decoding: line, as: UTF8.self).dropFirst(5)) else {
        throw BrowserError(.launchFailed, "browserpages.py did not print its port")
    }
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

let engine = BrowserEngine(logger: logger)
try await engine.start()
try await Task.sleep(for: .milliseconds(500))
let idle = await engine.memoryBytes()
_ = try await engine.render(url: page)
let afterOne = await engine.memoryBytes()
for _ in 0..<5 { _ = try await engine.render(url: page) }
var pooled: [Duration] = []
for _ in 0..<20 {
    pooled.append(try await clock.measure { _ = try await engine.render(url: page) })
}

let pages = 200
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
let afterMany = await engine.memoryBytes()
await engine.close()

print("BrowserBench (chromium-headless-shell over --remote-debugging-pipe, page \(page))")
print(String(format: "  cold   p50 over 20: %7.1f ms  (launch, context, navigate, HTML, dispose, close)", median(cold)))
print(String(format: "  pooled p50 over 20: %7.1f ms  (context, navigate, HTML, dispose)", median(pooled)))
print(String(format: "  4 in flight: %.1f pages/s (%d pages in %.0f ms)", Double(pages) / (milliseconds(elapsed) / 1000), pages, milliseconds(elapsed)))
print("  PSS idle: \(megabytes(idle)), after 1 page: \(megabytes(afterOne)), after \(pages + 26) pages: \(megabytes(afterMany))")
