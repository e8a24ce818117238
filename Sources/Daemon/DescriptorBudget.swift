#if canImport(Glibc)
import Glibc
#endif

/// The process's file-descriptor limit, and the crawl ceiling it allows.
///
/// At start crawld raises its soft `RLIMIT_NOFILE` to the hard limit (what
/// an operator's `ulimit -Hn` or systemd's `LimitNOFILE=` grants), since
/// the soft default (often 1024) is what ran out first. A quarter of the
/// limit, at least 64, is kept back for everything that is not a crawl:
/// the listener, client connections, Redis, job outputs and checkpoints,
/// Chromium's pipes. Each crawl is counted as two descriptors: its
/// connection to the site, and the idle keep-alive connection its engine
/// may hold on to afterwards.
enum DescriptorBudget {
    /// Descriptors reserved for what is not a crawl.
    static func reserve(limit: Int) -> Int { max(64, limit / 4) }

    /// `--max-crawls-in-flight` when the operator does not set it.
    static func defaultCrawlCeiling(limit: Int) -> Int {
        max(1, (limit - reserve(limit: limit)) / 2)
    }

    /// Raises the soft limit to the hard one (where the kernel allows) and
    /// returns the soft limit in force afterwards.
    static func raiseToHardLimit() -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 1024 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        // RLIM_INFINITY is not a number of descriptors; the kernel's own
        // ceiling (nr_open) is about a million.
        return Int(min(limits.rlim_cur, 1 << 20))
    }
}
