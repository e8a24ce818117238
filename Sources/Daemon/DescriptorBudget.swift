#if canImport(Glibc)
import Glibc
#endif

/// The process's file-descriptor limit, split between client connections,
/// crawls, and a reserve for everything else.
///
/// Why: crawld must never reach its limit. Past it `accept`, `connect` and
/// `open` fail, and libdispatch's worker monitor, which opens
/// `/proc/self/task/*/stat`, crashes the process (SIGILL) when its `open`
/// fails: running out of descriptors cannot be made a per-request error
/// everywhere, only never happen. So the ceilings on connections and on
/// crawls are sized so that together they stay inside the limit.
///
/// At start crawld raises its soft `RLIMIT_NOFILE` to the hard limit (what
/// an operator's `ulimit -Hn` or systemd's `LimitNOFILE=` grants), since
/// the soft default (often 1024) is what ran out first. Then:
/// - a quarter (at least 64) is kept for the listener, Redis, job outputs
///   and checkpoints, Chromium's pipes, libdispatch and the event loops;
/// - a quarter goes to client connections (`--max-connections` is lowered
///   to it when set higher);
/// - a sixteenth (at least 8) goes to the `--http` listener's connections,
///   which it stops accepting past that (they wait in the kernel's backlog):
///   without a ceiling, idle connections to it took the daemon to its limit;
/// - the rest goes to crawls, two descriptors each: the connection to the
///   site, and the idle keep-alive connection its engine may keep after.
struct DescriptorBudget: Sendable {
    /// The soft limit in force.
    let limit: Int

    /// Descriptors kept for what is neither a client connection nor a crawl.
    var reserve: Int { max(64, limit / 4) }

    /// The most client connections the limit allows.
    var connections: Int { max(1, limit / 4) }

    /// The most connections the `--http` listener holds at once.
    var httpConnections: Int { max(8, limit / 16) }

    /// The most crawls in flight the limit allows.
    var crawls: Int { max(1, (limit - reserve - connections - httpConnections) / 2) }

    /// Raises the soft limit to the hard one (where the kernel allows) and
    /// budgets the limit in force afterwards.
    static func raisingToHardLimit() -> DescriptorBudget {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return DescriptorBudget(limit: 1024) }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        // RLIM_INFINITY is not a number of descriptors; the kernel's own
        // ceiling (nr_open) is about a million.
        return DescriptorBudget(limit: Int(min(limits.rlim_cur, 1 << 20)))
    }
}
