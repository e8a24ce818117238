import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Waits for a child process to exit on the kernel's word, not by polling `isRunning`.
///
/// `waitid` with `WNOWAIT` returns the moment the child exits and leaves it
/// for Foundation to reap, so `Process` keeps working. `Process.waitUntilExit`
/// is no substitute: it spins a run loop and can hang on a thread of the
/// cooperative pool.
public enum ProcessExit {
    /// Blocks until `process` has exited; past `killAfter` it is sent SIGKILL
    /// (and then waited for), so no child outlives its test.
    /// - Returns: whether it exited before `killAfter`.
    @discardableResult
    public static func wait(for process: Process, killAfter: Duration = .seconds(30)) -> Bool {
        let pid = process.processIdentifier
        guard pid > 0 else { return true }
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
        return !killed.withLock { $0 }
    }

    /// `wait(for:killAfter:)` on a thread of its own, for async tests.
    public static func exit(of process: Process, killAfter: Duration = .seconds(30)) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: wait(for: process, killAfter: killAfter)) }
        }
    }
}
