import Foundation
import Pool

/// A fake root directory holding cgroup and /proc files, for `MemoryProbe(root:)`.
/// Removed when the fixture is released.
final class MemoryFixture: Sendable {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "crawld-pool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var probe: MemoryProbe { MemoryProbe(root: root) }

    /// Writes `text` at `path` below the root, making directories as needed.
    func write(_ path: String, _ text: String) throws {
        let full = root + path
        let directory = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func cgroupV2(used: Int, limit: String) throws {
        try write("/sys/fs/cgroup/memory.current", "\(used)\n")
        try write("/sys/fs/cgroup/memory.max", "\(limit)\n")
    }

    func cgroupV1(used: Int, limit: Int) throws {
        try write("/sys/fs/cgroup/memory/memory.usage_in_bytes", "\(used)\n")
        try write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "\(limit)\n")
    }

    func meminfo(totalKiB: Int, availableKiB: Int) throws {
        try write(
            "/proc/meminfo",
            """
            MemTotal:       \(totalKiB) kB
            MemFree:          123456 kB
            MemAvailable:   \(availableKiB) kB
            Buffers:           20480 kB

            """)
    }

    /// A v2 tree at `percent` of a 1 GB limit: the simplest way to set memory use.
    func use(percent: Double) throws {
        try cgroupV2(used: Int(percent * 10_000_000), limit: "1000000000")
    }
}
