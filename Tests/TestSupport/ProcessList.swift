import Foundation

/// The pids of live processes whose command line contains every string of
/// `all` and none of `none` (zombies have an empty command line, so they never match).
/// Tests use it to find the Chromium processes a crawld started.
public func processes(containing all: [String], excluding none: [String] = []) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let text = String(decoding: cmdline, as: UTF8.self)
        return all.allSatisfy(text.contains) && !none.contains(where: text.contains)
    }
}
