#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the few `/proc` files the browser engine needs: process groups for
/// memory and cleanup, PSS for admission, start times to tell a live owner
/// from a reused pid.
///
/// `/proc` files report a size of 0, so they are read with plain `read(2)`
/// until EOF rather than through a size-trusting API.
enum ProcFS {
    /// The fields of `/proc/PID/stat` the engine uses.
    struct Stat: Equatable {
        var ppid: Int32
        var processGroup: Int32
        /// Clock ticks after boot at which the process started: with the pid it
        /// names one process for the life of the machine.
        var startTime: UInt64
        /// `Z`: exited, waiting to be reaped; it holds no memory and runs nothing.
        var isZombie = false
    }

    /// The whole file, or nil when it cannot be opened (the process is gone).
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                return bytes
            } else if errno != EINTR {
                return nil
            }
        }
    }

    /// Every numeric entry of `/proc`: the pids alive right now.
    static func pids() -> [Int32] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let pid = Int32(name) { pids.append(pid) }
        }
        return pids
    }

    /// Parses `/proc/PID/stat`. The command name (field 2) may hold spaces and
    /// parentheses, so fields are counted from the last `)`.
    static func stat(_ pid: Int32) -> Stat? {
        guard let bytes = read("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // After the name: state(3) ppid(4) pgrp(5) ... starttime(22).
        guard fields.count > 19,
            let ppid = Int32(String(decoding: fields[1], as: UTF8.self)),
            let group = Int32(String(decoding: fields[2], as: UTF8.self)),
            let start = UInt64(String(decoding: fields[19], as: UTF8.self))
        else { return nil }
        return Stat(ppid: ppid, processGroup: group, startTime: start, isZombie: fields[0].first == UInt8(ascii: "Z"))
    }

    /// The pids whose process group is `group`.
    static func members(ofGroup group: Int32) -> [Int32] {
        pids().filter { stat($0)?.processGroup == group }
    }

    /// Whether some process of `group` still runs (zombies do not count).
    static func hasLiveMembers(group: Int32) -> Bool {
        pids().contains { pid in stat(pid).map { $0.processGroup == group && !$0.isZombie } ?? false }
    }

    /// Proportional set size in bytes from `/proc/PID/smaps_rollup`: shared
    /// pages are divided among the processes that map them, so summing PSS
    /// over a process tree counts each page once.
    static func pssBytes(_ pid: Int32) -> Int? {
        guard let bytes = read("/proc/\(pid)/smaps_rollup") else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: "Pss:".utf8) {
            let digits = line.dropFirst(4).filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            return Int(String(decoding: digits, as: UTF8.self)).map { $0 * 1024 }
        }
        return nil
    }

    /// The command line of `pid`, its arguments split at NUL.
    static func arguments(_ pid: Int32) -> [String] {
        guard let bytes = read("/proc/\(pid)/cmdline") else { return [] }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
