import Engines
import Logging
import ServiceLifecycle
import Synchronization
import Threads

#if canImport(Glibc)
import Glibc
#endif

/// The bound on SIGTERM: once the drain begins, crawld exits within
/// `--drain-timeout` plus `grace`, whatever its parts are doing.
///
/// The drain is cooperative: jobs checkpoint, requests in flight get
/// `--drain-timeout`, the monitor flushes and browsers are stopped. Each step
/// may wait on something outside crawld that never answers: a Redis server
/// that accepts and then hangs (every command waits out its I/O timeout, one
/// after another: 22 s past a 2 s drain timeout), a browser stopped
/// mid-render, a fetch that does not react to cancellation. So a thread of
/// its own, outside Swift's cooperative pool (which such a wait may hold),
/// watches the clock. At the deadline it logs, kills every browser's process
/// group (none outlives crawld) and ends the process with status 1, so that a
/// supervisor can tell a cut-short drain from a clean one (status 0). What a
/// job had not checkpointed by then is crawled again when it resumes from its
/// last checkpoint.
final class DrainDeadline: Sendable {
    /// What the drain may take past `--drain-timeout`: the monitor's last
    /// flush, closing engines, stopping browsers (1 s of grace, then SIGKILL).
    static let grace: Duration = .seconds(5)
    private let limit: Duration
    private let logger: Logger
    private let started = Atomic<Bool>(false)

    init(drainTimeout: Duration, logger: Logger) {
        limit = drainTimeout + Self.grace
        self.logger = logger
    }

    /// Starts the clock, once; returns at once.
    func start() {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        do {
            try DetachedThread.start { [self] in expire() }
        } catch {
            logger.warning("no thread for the drain's deadline: SIGTERM waits for the drain however long it takes")
        }
    }

    /// Sleeps out the limit on this thread, then ends the process.
    private func expire() -> Never {
        var end = MonotonicClock.time(after: limit)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, nil) == EINTR {}
        logger.critical("the drain did not finish within --drain-timeout plus \(Self.grace): browsers killed, exiting with status 1")
        BrowserEngine.killAllBrowsers()
        _exit(1)
    }
}

/// Starts the `DrainDeadline` when the service group begins to shut down.
/// Listed last, since the group shuts its services down in reverse order:
/// it hears of SIGTERM before the jobs and the server start to drain.
struct DrainDeadlineService: Service {
    let deadline: DrainDeadline

    func run() async throws {
        // Cancellation (the group stopping on an error) ends the process as surely as SIGTERM.
        try? await gracefulShutdown()
        deadline.start()
    }
}
