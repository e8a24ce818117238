import FoundationEssentials
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Temporary Chromium profiles, named so that leftovers of a dead crawld can
/// be told apart from those of a live one.
///
/// A profile is `<root>/<owner pid>-<owner start time>-XXXXXX`. The pid alone
/// is not enough (pids are reused); pid and start time (`/proc/PID/stat`
/// field 22) name one process for the life of the machine.
enum ProfileDirectory {
    /// The default root, `$TMPDIR/crawld-chromium` (or `/tmp/crawld-chromium`).
    static var defaultRoot: String {
        let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return (tmp.isEmpty ? "/tmp" : tmp) + "/crawld-chromium"
    }

    /// Creates a fresh, private profile directory under `root`.
    /// - Throws: `BrowserError.launchFailed` when the directory cannot be made.
    static func create(root: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw BrowserError(.launchFailed, "cannot create \(root): \(error)")
        }
        var template = Array("\(root)/\(ownerTag(getpid()) ?? "\(getpid())-0")-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw BrowserError(.launchFailed, "mkdtemp in \(root) failed: errno \(errno)") }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `pid-starttime` for a live process, nil when it is gone.
    static func ownerTag(_ pid: Int32) -> String? {
        ProcFS.stat(pid).map { "\(pid)-\($0.startTime)" }
    }

    /// Kills the browsers left by crawld processes that are gone (a SIGKILLed
    /// daemon whose browser did not exit on pipe EOF) and removes their profiles.
    ///
    /// A profile belongs to a dead owner when no live process has its
    /// `pid-starttime` tag. Every process whose command line names that
    /// profile gets its process group killed. Profiles of live owners,
    /// including other crawld instances on this machine, are left alone.
    /// - Returns: how many orphaned profiles were cleaned.
    @discardableResult
    static func killOrphans(root: String, logger: Logger) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return 0 }
        let orphans = entries.filter { entry in
            let parts = entry.split(separator: "-")
            guard parts.count == 3, let pid = Int32(parts[0]) else { return false }
            return ownerTag(pid) != "\(parts[0])-\(parts[1])"
        }
        guard !orphans.isEmpty else { return 0 }
        let flags = Set(orphans.map { "--user-data-dir=\(root)/\($0)" })
        for pid in users(of: flags) {
            if let group = ProcFS.stat(pid)?.processGroup, group > 1, group != getpgrp() {
                logger.info("killing orphaned chromium", metadata: ["crawld.browser.pgid": "\(group)"])
                killpg(group, SIGKILL)
            }
        }
        awaitExit(of: flags)
        for entry in orphans { try? FileManager.default.removeItem(atPath: "\(root)/\(entry)") }
        return orphans.count
    }

    /// Live processes whose command line names one of `flags`. A zombie's
    /// command line is empty, so a killed process stops counting once it has exited.
    private static func users(of flags: Set<String>) -> [Int32] {
        ProcFS.pids().filter { ProcFS.arguments($0).contains(where: flags.contains) }
    }

    /// SIGKILL is delivered at once but a process takes a moment to exit, and
    /// until it has, it may still write into its profile: removing the
    /// directory before then leaves files behind. Waits up to 5 s.
    private static func awaitExit(of flags: Set<String>) {
        for _ in 0..<250 where !users(of: flags).isEmpty {
            usleep(20_000)
        }
    }
}
