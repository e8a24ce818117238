// OutlineBench: a page's title and links by PageOutline, with its byte scanner (`scan`) or with
// libxml2's streaming pass alone (`stream`), for instruction counts under callgrind (issue 25).
// Plain Glibc and no thread, so valgrind 3.19 runs it (it dies at the first thread a Swift
// executable starts):
//
//     find /usr/share/doc/postgresql-doc-15/html -name '*.html' | sort > small.txt
//     strip .build/release/OutlineBench -o /tmp/OutlineBench
//     valgrind --tool=callgrind --callgrind-out-file=/dev/null /tmp/OutlineBench scan small.txt 1
//
// One pass minus two passes, divided by the pages, is the instructions of one page's reading.
import Glibc
import HTML

func contents(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { bytes += chunk[0..<count] }
    return bytes
}

let arguments = CommandLine.arguments
guard arguments.count == 4, ["scan", "stream"].contains(arguments[1]), let passes = Int(arguments[3]) else {
    print("usage: OutlineBench scan|stream LIST PASSES")
    exit(2)
}
let pages = String(decoding: contents(arguments[2]), as: UTF8.self).split(separator: "\n").map { (String($0), contents(String($0))) }
var checksum = 0
var scanned = 0
for _ in 0..<passes {
    for (path, bytes) in pages {
        let outline = PageOutline(bytes: bytes, contentType: "text/html", url: "https://docs.example.org" + path, scanner: arguments[1] == "scan")
        checksum &+= (outline.title?.utf8.count ?? 0) + outline.links.count
        if outline.scanned { scanned += 1 }
    }
}
print("pages \(pages.count), passes \(passes), scanned \(scanned), checksum \(checksum)")
