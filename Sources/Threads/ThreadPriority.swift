internal import CProcessShims

/// The scheduling of threads that run work a stranger may make long: Lua
/// calls and XPath evaluations, with the crawls that carry them.
///
/// Why: `ping` on another connection must answer within 50 ms while attacks
/// keep every script thread busy until its deadline. The threads that answer
/// it (NIO's event loops and the cooperative pool) share the cores with the
/// attack threads, and a woken event loop waited behind them (p99 47-63 ms at
/// load 11-14 on 2 cores).
///
/// A lowered thread runs under `SCHED_BATCH` with the longest slice the
/// scheduler allows: Linux's fair scheduler (EEVDF, 6.6 and later) orders
/// threads by a deadline one slice ahead, so a thread that wakes with the
/// default slice (under 3 ms) comes before it, and since 6.12 preempts it at
/// once. Its nice value stays: it keeps its share of the CPU against the
/// machine's other work, so crawls are no slower, and a deadline it waits
/// for is not stretched by a lower priority. A nice value of 10 was tried
/// first: under a build in the same session the crawls' own parse got a
/// tenth of a core and an attack's `script_timeout` came 6 s late.
///
/// No privilege is needed; older kernels ignore the slice.
public enum ThreadPriority {
    /// The slice of a lowered thread: the kernel's maximum.
    public static let backgroundSlice = Duration.milliseconds(100)

    /// Lowers the calling thread (only it: scheduling attributes are per thread on Linux).
    /// - Returns: whether the system took the change (a sandbox may refuse it;
    ///   the thread then keeps its old scheduling).
    @discardableResult
    public static func lowerCurrentThread() -> Bool {
        let (seconds, attoseconds) = backgroundSlice.components
        let nanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        return cprocess_thread_yield_to_wakeups(nanoseconds) == 0
    }
}
