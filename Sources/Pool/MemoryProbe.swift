#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory use as admission and the janitor see it.
public struct MemoryReading: Sendable, Equatable {
    /// Where the figures came from.
    public enum Source: String, Sendable {
        case cgroupV2 = "cgroup_v2"
        case cgroupV1 = "cgroup_v1"
        case meminfo
    }

    public var usedBytes: Int
    public var limitBytes: Int
    public var source: Source

    /// Use as a percentage of the limit (0 when the limit is unknown).
    public var percent: Double {
        limitBytes > 0 ? Double(usedBytes) / Double(limitBytes) * 100 : 0
    }
}

/// Reads memory use the way a container sees it: cgroup v2
/// (`memory.current` / `memory.max`), else cgroup v1 (`memory.usage_in_bytes`
/// / `memory.limit_in_bytes`), else `/proc/meminfo` (MemTotal − MemAvailable)
/// when the cgroup sets no limit.
///
/// Files are read below `root` so tests can point the probe at fixture trees
/// (`root/sys/fs/cgroup/...`, `root/proc/meminfo`). A cgroup v2 `max` and a v1
/// limit at or above 2^62 (the kernel's "unlimited", 2^63 rounded to a page)
/// mean no limit, so the probe falls through to meminfo. Reads are a few small
/// files: cheap enough for every engine creation and janitor round.
public struct MemoryProbe: Sendable {
    /// The directory standing in for `/`.
    public let root: String

    public init(root: String = "/") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The current reading, or `nil` if no source could be read (the pool then admits).
    public func read() -> MemoryReading? {
        if let reading = cgroupV2() ?? cgroupV1() { return reading }
        return meminfo()
    }

    // MARK: - Sources

    private func cgroupV2() -> MemoryReading? {
        cgroup(used: "/sys/fs/cgroup/memory.current", limit: "/sys/fs/cgroup/memory.max", source: .cgroupV2)
    }

    private func cgroupV1() -> MemoryReading? {
        cgroup(used: "/sys/fs/cgroup/memory/memory.usage_in_bytes", limit: "/sys/fs/cgroup/memory/memory.limit_in_bytes", source: .cgroupV1)
    }

    /// A cgroup's use and limit; `nil` if either file is missing or the limit means "unlimited".
    private func cgroup(used usedPath: String, limit limitPath: String, source: MemoryReading.Source) -> MemoryReading? {
        guard let used = number(at: usedPath), let limit = number(at: limitPath), limit > 0, limit < Self.unlimited else { return nil }
        return MemoryReading(usedBytes: used, limitBytes: limit, source: source)
    }

    private func meminfo() -> MemoryReading? {
        guard let text = Self.contents(of: root + "/proc/meminfo") else { return nil }
        var total: Int?
        var available: Int?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int(fields[1]) else { continue }
            switch fields[0] {
            case "MemTotal:": total = kib * 1024
            case "MemAvailable:": available = kib * 1024
            default: continue
            }
        }
        guard let total, let available, total > 0 else { return nil }
        return MemoryReading(usedBytes: max(0, total - available), limitBytes: total, source: .meminfo)
    }

    // MARK: - Files

    /// Limits at or above this mean "no limit" (cgroup v1 reports 2^63 rounded down to a page).
    private static let unlimited = 1 << 62

    /// A file holding one number; `max` (cgroup v2's "no limit") reads as `Int.max`.
    private func number(at path: String) -> Int? {
        guard let text = Self.contents(of: root + path) else { return nil }
        let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
        if trimmed == "max" { return Int.max }
        return Int(trimmed)
    }

    /// Reads a small file whole; `nil` if it cannot be opened. Plain POSIX I/O
    /// keeps Foundation out of the pool.
    private static func contents(of path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { readFile(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// POSIX `read`, named apart from `MemoryProbe.read()`, which shadows it inside the type.
private func readFile(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
