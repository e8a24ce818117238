import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Waits for a child process to exit on the kernel's word, not by polling `isRunning`.
///
/// `waitid` with `WNOWAIT` returns the moment the child exits and leaves it
/// for Foundation to reap, so `Process` keeps working. `Process.waitUntilExit`
/// is no substitute: it spins a run loop until Foundation has reaped the child,
/// and hangs for good when Foundation misses the exit (CI, 2026-12-07: an `ip`
/// left a zombie and the whole test run stalled), or on a thread of the
/// cooperative pool. Every helper here waits through this instead.
public enum ProcessExit {
    /// Blocks until `process` has exited; past `killAfter` it is sent SIGKILL
    /// (and then waited for), so no child outlives its test.
    /// - Returns: whether it exited before `killAfter`.
    @discardableResult
    public static func wait(for process: Process, killAfter: Duration = .seconds(30)) -> Bool {
        !waitForExit(process, killAfter: killAfter).killed
    }

    /// Blocks as `wait(for:killAfter:)` does, then returns the status the kernel reported: the
    /// code the child exited with, or 128 + the signal that ended it, as a shell reports it.
    /// Foundation's `terminationStatus` needs Foundation to have reaped the child, and a child
    /// whose exit it missed stays a zombie with `isRunning` true (seen with `ip`, under load).
    public static func status(of process: Process, killAfter: Duration = .seconds(30)) -> Int32 {
        let info = waitForExit(process, killAfter: killAfter).info
        guard info._sifields._sigchld.si_pid != 0 else {
            // ECHILD: Foundation reaped it first, so it has the status.
            while process.isRunning { usleep(1000) }
            return process.terminationStatus
        }
        let status = info._sifields._sigchld.si_status
        return info.si_code == CLD_EXITED ? status : 128 + status
    }

    private static func waitForExit(_ process: Process, killAfter: Duration) -> (info: siginfo_t, killed: Bool) {
        let pid = process.processIdentifier
        guard pid > 0 else { return (siginfo_t(), false) }
        let killed = Mutex(false)
        let exited = Mutex(false)
        let timer = DispatchWorkItem {
            let kill = exited.withLock { !$0 }
            if kill {
                killed.withLock { $0 = true }
                Glibc.kill(pid, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(killAfter.components.seconds * 1000)), execute: timer)
        var info = siginfo_t()
        // EINTR restarts; ECHILD means Foundation reaped it already: it is gone either way.
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        exited.withLock { $0 = true }
        timer.cancel()
        return (info, killed.withLock { $0 })
    }

    /// `wait(for:killAfter:)` on a thread of its own, for async tests.
    public static func exit(of process: Process, killAfter: Duration = .seconds(30)) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: wait(for: process, killAfter: killAfter)) }
        }
    }
}
