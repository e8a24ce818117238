// HTMLBench: throughput of the HTML module over a real corpus, against bare libxml2 and Python lxml.
//
//     cd Benchmarks && swift build -c release && .build/release/HTMLBench [--rounds 5] [corpus folder]
//
// The corpus defaults to Debian's python3.11-doc pages. Every scenario runs once per page per
// round, scenarios interleaved within a round; MB/s is corpus bytes over the CPU time of this
// thread (robust on a shared machine), wall-clock MB/s beside it; the figures are medians of the
// rounds. To add a scenario (the extract.lua one, once Scripting lands), append to `scenarios`.
import BenchSupport
import Foundation
import HTML
import HTMLBaseline

struct Scenario {
    let name: String
    /// Does the work on one page and returns something derived from it, so nothing is optimised away.
    let run: (_ page: Page) throws -> Int
}

struct Page {
    let url: String
    let bytes: [UInt8]
}

let scenarios: [Scenario] = [
    Scenario(name: "(a) htmlReadMemory + free (C)") { page in
        page.bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { Int(html_baseline_parse_free($0.baseAddress, $0.count)) }
        }
    },
    Scenario(name: "    HTMLDocument parse only") { page in
        try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: page.url).root == nil ? 0 : 1
    },
    Scenario(name: "    parse + title + links") { page in
        let document = try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: page.url)
        return (document.title?.count ?? 0) + document.links.count
    },
    Scenario(name: "    streaming title + links") { page in
        let outline = PageOutline(bytes: page.bytes, contentType: "text/html", url: page.url, scanner: false)
        return (outline.title?.count ?? 0) + outline.links.count
    },
    Scenario(name: "    scanned title + links") { page in
        let outline = PageOutline(bytes: page.bytes, contentType: "text/html", url: page.url)
        return (outline.title?.count ?? 0) + outline.links.count
    },
    Scenario(name: "(c) parse + Markdown") { page in
        try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: page.url).markdown().utf8.count
    },
]

// MARK: - Measurement

func loadCorpus(_ folder: String) -> [Page] {
    let root = URL(fileURLWithPath: folder)
    let files =
        FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL }.filter { $0.pathExtension == "html" }.sorted { $0.path < $1.path } ?? []
    return files.compactMap { file in
        guard let data = try? Data(contentsOf: file) else { return nil }
        let relative = String(file.path.dropFirst(root.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return Page(url: "https://docs.example.org/" + relative, bytes: Array(data))
    }
}

/// Peak resident memory while parsing one page of `size` bytes built from the corpus pages.
/// The kernel's high-water mark is reset first (`/proc/self/clear_refs`), so the figure is the
/// peak during the parse minus what was resident before it.
func peakMemory(pages: [Page], size: Int) throws -> (parse: Int, markdown: Int, streamed: Int, bytes: Int) {
    var body = Array("<html><head><title>Big page</title></head><body>".utf8)
    body.reserveCapacity(size + 1_000_000)
    var index = 0
    while body.count < size {
        let page = pages[index % pages.count].bytes
        if let start = page.firstRange(of: Array("<body".utf8))?.lowerBound { body += page[start...] }
        index += 1
    }
    func resident(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
    try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    var before = resident("VmRSS:")
    let outline = PageOutline(bytes: body, contentType: "text/html", url: "https://docs.example.org/big.html")
    let streamed = resident("VmHWM:") - before
    precondition(!outline.links.isEmpty)
    try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    before = resident("VmRSS:")
    let document = try HTMLDocument(bytes: body, contentType: "text/html", url: "https://docs.example.org/big.html")
    let links = document.links.count
    let afterParse = resident("VmHWM:")
    let markdown = document.markdown().utf8.count
    let afterMarkdown = resident("VmHWM:")
    precondition(links > 0 && markdown > 0)
    return (afterParse - before, afterMarkdown - before, streamed, body.count)
}

/// Runs the Python lxml comparison (d) on the same corpus and returns its JSON answer.
func runLXML(corpus: String, rounds: Int) throws -> [String: Any] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/lxml_links.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [script.standardized.path, "--rounds", String(rounds), corpus]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (try JSONSerialization.jsonObject(with: output) as? [String: Any]) ?? [:]
}

// MARK: - Main

var arguments = Array(CommandLine.arguments.dropFirst())
let rounds = option("--rounds", in: &arguments).flatMap { Int($0) } ?? 5
let corpus = arguments.first ?? "/usr/share/doc/python3.11/html"

let pages = loadCorpus(corpus)
let totalBytes = pages.reduce(0) { $0 + $1.bytes.count }
print("corpus: \(pages.count) pages, \(String(format: "%.1f", Double(totalBytes) / 1e6)) MB (\(corpus)); \(rounds) rounds")

let peak = try peakMemory(pages: pages, size: 50_000_000)
let megabytes = { (bytes: Int) in String(format: "%.0f MB", Double(bytes) / 1e6) }
let ratio = { (bytes: Int) in String(format: "%.1fx", Double(bytes) / Double(peak.bytes)) }
print(
    "peak memory, one \(megabytes(peak.bytes)) page: parse + links \(megabytes(peak.parse)) (\(ratio(peak.parse))), with Markdown \(megabytes(peak.markdown)) (\(ratio(peak.markdown))), streaming title + links \(megabytes(peak.streamed)) (\(ratio(peak.streamed)))"
)

// The streaming pass and the byte scanner must each give the tree's answer on every page of the corpus.
var scanned = 0
let differing = try pages.filter { page in
    let document = try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: page.url)
    let outline = PageOutline(bytes: page.bytes, contentType: "text/html", url: page.url)
    let streamed = PageOutline(bytes: page.bytes, contentType: "text/html", url: page.url, scanner: false)
    if outline.scanned { scanned += 1 }
    return [outline, streamed].contains { $0.title != document.title || $0.links != document.links }
}
print("streaming and scanned title + links equal to the tree's on \(pages.count - differing.count) of \(pages.count) pages (\(scanned) read by the scanner)")
for page in differing.prefix(5) { print("  differs: \(page.url)") }

var cpuRates = Array(repeating: [Double](), count: scenarios.count)
var wallRates = Array(repeating: [Double](), count: scenarios.count)
for _ in 0..<rounds {
    for (index, scenario) in scenarios.enumerated() {
        var checksum = 0
        let wallStart = Date()
        let cpuStart = threadCPUTime()
        for page in pages { checksum &+= try scenario.run(page) }
        cpuRates[index].append(Double(totalBytes) / 1e6 / (threadCPUTime() - cpuStart))
        wallRates[index].append(Double(totalBytes) / 1e6 / Date().timeIntervalSince(wallStart))
        precondition(checksum != 0, "\(scenario.name) did no work")
    }
}
let lxml = try runLXML(corpus: corpus, rounds: rounds)

let baseline = median(cpuRates[0])
print("\nscenario                          MB/s (CPU)  MB/s (wall)  vs (a)")
for (index, scenario) in scenarios.enumerated() {
    let rate = median(cpuRates[index])
    print(scenario.name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%10.1f  %11.1f  %5.0f%%", rate, median(wallRates[index]), rate / baseline * 100))
}
if let rate = lxml["median"] as? Double, let wall = lxml["wall_median"] as? Double {
    print("(d) Python lxml title + links".padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%10.1f  %11.1f  %5.0f%%", rate, wall, rate / baseline * 100))
    print(String(format: "\nparse + title + links vs lxml: %.1fx", median(cpuRates[2]) / rate))
}
