import LuaBridge
import NIOPosix
import Threads

/// The threads extract.lua runs on: a `TaskExecutor` over a thread pool of
/// its own, one thread per Lua state.
///
/// A Lua call is synchronous: it holds its thread until it returns, which a
/// hostile page can make last until the deadline (2 s). On Swift's
/// cooperative pool (a thread per core) a call busy on every state left no
/// thread for anything else, and the tasks that answer the protocol, `ping`
/// included, waited for the deadline. Here the calls hold threads of their
/// own; the kernel shares the cores between them and the cooperative pool,
/// which keeps answering.
///
/// The extractor prefers this executor for its whole call (waiting for a
/// state, the call, copying the result out). The document stays on the
/// calling task; only the threads change. That costs two thread hops per
/// page (context switches were the largest new cost in a profile of a small
/// page's crawl, docs/benchmarks.md). Starting the whole `crawl` task here
/// instead was tried and undone: with every script thread held by an attack
/// until its deadline, the fetches and admissions queued behind them never
/// answered (`DaemonWatchdogTests`).
///
/// Its threads give way to the protocol's (`ThreadPriority`): an attack that
/// keeps all of them busy until the deadline leaves the core to an event
/// loop or a protocol task the moment it wakes.
public final class ScriptExecutor: TaskExecutor {
    /// For every extractor of the process; its threads live as long as it.
    public static let shared = ScriptExecutor(threads: LuaStatePool.defaultCapacity)

    private let pool: NIOThreadPool
    /// Set on each of the pool's threads once `ThreadPriority` has lowered it.
    private let lowered = ThreadSpecificVariable<Lowered>()

    private final class Lowered: Sendable {}

    private init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // The pool never shuts down, so a job always runs (`.cancelled` too, then on the
        // thread that stopped the pool): a job dropped would be a task that never resumes.
        pool.submit { _ in
            if self.lowered.currentValue == nil {
                ThreadPriority.lowerCurrentThread()
                self.lowered.currentValue = Lowered()
            }
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
