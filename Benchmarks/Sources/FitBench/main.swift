// FitBench: fit_markdown's output and cost, for Benchmarks/scripts/fit_eval.py.
//
//     .build/release/FitBench --rounds 5 --out fit.jsonl page1.html page2.html ...
//
// Writes one JSON line per page (`path`, `fit_markdown`) to --out, then times, per round and
// page, parse + `markdown()` and parse + `fitMarkdown()` (interleaved, CPU time of this
// thread) and prints a JSON summary on stdout: pages/s of each (median of the rounds) and the
// cost of fit_markdown over markdown per page in microseconds.
import BenchSupport
import Foundation
import HTML

var arguments = Array(CommandLine.arguments.dropFirst())
let rounds = option("--rounds", in: &arguments).flatMap(Int.init) ?? 5
let out = option("--out", in: &arguments) ?? "fit.jsonl"
let pages = arguments.map { path in (path: path, bytes: Array(FileManager.default.contents(atPath: path) ?? Data())) }

var lines = ""
for page in pages {
    let document = try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: "https://eval.example/page.html")
    let record: [String: String] = ["path": page.path, "fit_markdown": document.fitMarkdown()]
    lines += String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self) + "\n"
}
try lines.write(toFile: out, atomically: true, encoding: .utf8)

var markdownTimes: [Double] = []
var fitTimes: [Double] = []
var sink = 0
for _ in 0..<rounds {
    var markdownTime = 0.0
    var fitTime = 0.0
    for page in pages {
        var start = threadCPUTime()
        sink &+= try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: "https://eval.example/page.html").markdown().utf8.count
        markdownTime += threadCPUTime() - start
        start = threadCPUTime()
        sink &+= try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: "https://eval.example/page.html").fitMarkdown().utf8.count
        fitTime += threadCPUTime() - start
    }
    markdownTimes.append(markdownTime)
    fitTimes.append(fitTime)
}
let count = Double(pages.count)
let summary: [String: Any] = [
    "pages": pages.count, "rounds": rounds, "sink": sink,
    "markdown_pages_per_s": count / median(markdownTimes),
    "fit_markdown_pages_per_s": count / median(fitTimes),
    "fit_over_markdown_us_per_page": (median(fitTimes) - median(markdownTimes)) / count * 1e6,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
