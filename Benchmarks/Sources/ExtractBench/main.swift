// ExtractBench: issue 4's (b), parse + links + the shipped default extract.lua, against (a) bare
// libxml2 parsing, in one run over the same corpus.
//
//     cd Benchmarks && swift build -c release && .build/release/ExtractBench [--rounds 5] [corpus folder]
//
// The corpus defaults to Debian's python3.11-doc pages, each given a URL under docs.example.org
// so the shipped `default` handler serves it (the docs.python.org example handler runs as its
// own scenario). (b) goes through the real crawl-path API: `ScriptRegistry.extractor` over the
// repository's scripts/, one Lua state, one page at a time. Scenarios are interleaved within a
// round; MB/s is corpus bytes over process CPU time (the Lua call may resume on another thread
// after its state checkout, so thread CPU time would miss work), wall-clock MB/s beside it;
// figures are medians of the rounds.
import BenchSupport
import Foundation
import HTML
import HTMLBaseline
import JSON
import Logging
import Scripting

struct Page {
    let url: String
    let bytes: [UInt8]
}

func loadCorpus(_ folder: String, host: String) -> [Page] {
    let root = URL(fileURLWithPath: folder)
    let files =
        FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL }.filter { $0.pathExtension == "html" }.sorted { $0.path < $1.path } ?? []
    return files.compactMap { file in
        guard let data = try? Data(contentsOf: file) else { return nil }
        let relative = String(file.path.dropFirst(root.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return Page(url: "https://\(host)/" + relative, bytes: Array(data))
    }
}

/// Parse, extract and read links of one page, as the crawl path does; returns a checksum.
func extractPage(_ page: Page, with extractor: Extractor) async throws -> Int {
    let document = try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: page.url)
    let info = PageInfo(url: page.url, status: 200, headers: [("Content-Type", "text/html")])
    let data = try await extractor.extract(document: document, page: info)
    return document.links.count + (data.objectValue?.count ?? 0)
}

// MARK: - Main

/// The whole run; `runBlocking` below keeps the top level synchronous, so callgrind can count it.
func benchmark() async throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    let rounds = option("--rounds", in: &arguments).flatMap { Int($0) } ?? 5
    let corpus = arguments.first ?? "/usr/share/doc/python3.11/html"
    let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../scripts").standardized.path

    let generic = loadCorpus(corpus, host: "docs.example.org")
    let python = loadCorpus(corpus, host: "docs.python.org")
    let totalBytes = generic.reduce(0) { $0 + $1.bytes.count }
    print("corpus: \(generic.count) pages, \(String(format: "%.1f", Double(totalBytes) / 1e6)) MB (\(corpus)); scripts: \(scripts); \(rounds) rounds")

    let registry = ScriptRegistry(directory: scripts, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }, poolCapacity: 1)
    try await registry.reload()
    let extractor = registry.extractor

    let names = [
        "(a) htmlReadMemory + free (C)",
        "    HTMLDocument parse + links",
        "(b) parse + links + default",
        "    parse + links + docs handler",
    ]
    var cpuRates = Array(repeating: [Double](), count: names.count)
    var wallRates = Array(repeating: [Double](), count: names.count)
    for _ in 0..<rounds {
        for index in names.indices {
            var checksum = 0
            let wallStart = Date()
            let cpuStart = processCPUTime()
            switch index {
            case 0:
                for page in generic {
                    checksum &+= page.bytes.withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) { Int(html_baseline_parse_free($0.baseAddress, $0.count)) }
                    }
                }
            case 1:
                for page in generic { checksum &+= try HTMLDocument(bytes: page.bytes, contentType: "text/html", url: page.url).links.count }
            case 2:
                for page in generic { checksum &+= try await extractPage(page, with: extractor) }
            default:
                for page in python { checksum &+= try await extractPage(page, with: extractor) }
            }
            cpuRates[index].append(Double(totalBytes) / 1e6 / (processCPUTime() - cpuStart))
            wallRates[index].append(Double(totalBytes) / 1e6 / Date().timeIntervalSince(wallStart))
            precondition(checksum != 0, "\(names[index]) did no work")
        }
    }

    let baseline = median(cpuRates[0])
    print("\nscenario                          MB/s (CPU)  MB/s (wall)  vs (a)")
    for (index, name) in names.enumerated() {
        let rate = median(cpuRates[index])
        print(name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%10.1f  %11.1f  %5.0f%%", rate, median(wallRates[index]), rate / baseline * 100))
    }
}

runBlocking(benchmark)
