import Foundation

/// `bytes` gzipped by gzip(1), through files (a pipe both ways could deadlock on large inputs).
public func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let input = folder.url.appendingPathComponent("in")
    try Data(bytes).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-1", input.path]
    try process.run()
    ProcessExit.wait(for: process)
    return Array(try Data(contentsOf: folder.url.appendingPathComponent("in.gz")))
}
