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

/// The process group of each of `pids` that is still alive.
public func processGroups(of pids: [Int32]) -> Set<Int32> {
    Set(pids.compactMap { procStat($0)?.group })
}

/// The live (not zombie) processes whose process group is one of `groups`:
/// a browser's renderers and helpers, whose command lines do not name its profile.
/// With `argument`, only those whose command line contains it (`--type=renderer`).
public func processes(inGroups groups: Set<Int32>, containing argument: String? = nil) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let stat = procStat(pid), groups.contains(stat.group), stat.state != "Z" else { return false }
        guard let argument else { return true }
        let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: cmdline, as: UTF8.self).contains(argument)
    }
}

/// The CPU (user and system) `pids` have used, in clock ticks; processes gone count nothing.
public func cpuTicks(of pids: [Int32]) -> Int {
    pids.reduce(0) { $0 + (procStat($1)?.ticks ?? 0) }
}

/// Whether a live process of `group` is stopped (state `T`, as after SIGSTOP).
public func hasStoppedProcess(inGroup group: Int32) -> Bool {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).contains { pid in
        guard let stat = procStat(pid) else { return false }
        return stat.group == group && stat.state == "T"
    }
}

/// State, process group and CPU ticks (utime + stime) from `/proc/PID/stat`
/// (fields counted after the command name's last `)`).
private func procStat(_ pid: Int32) -> (state: Character, group: Int32, ticks: Int)? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let state = fields[0].first, let group = Int32(fields[2]),
        let user = Int(fields[11]), let system = Int(fields[12])
    else { return nil }
    return (state, group, user + system)
}
