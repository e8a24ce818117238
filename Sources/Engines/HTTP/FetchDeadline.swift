import NIOCore
import Synchronization

/// One deadline over a whole fetch (every redirect hop and the body), kept by
/// a timer on an event loop.
///
/// Not a child task sleeping until the deadline, as it once was: on Linux a
/// cancelled `Task.sleep` keeps its timer, and the task with it, until the
/// deadline passes: under load, a fetch rate times the timeout of sleeping
/// tasks, whose memory the daemon's RSS showed (docs/benchmarks.md). An
/// event loop's scheduled task is freed when it
/// is cancelled (AsyncHTTPClient keeps its own request deadline the same way,
/// but only until the response head, not over the body).
enum FetchDeadline {
    /// Runs `operation` in a task of its own and cancels that task when
    /// `deadline` passes.
    /// - Returns: what `operation` returned.
    /// - Throws: `expired()` when the deadline cut `operation` short (or it
    ///   failed at or past the deadline), else what `operation` threw.
    static func run<Result: Sendable>(
        on eventLoop: any EventLoop,
        deadline: NIODeadline,
        expired: @autoclosure () -> any Error,
        _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let passed = Flag()
        let work = Task { try await operation() }
        let timer = eventLoop.scheduleTask(deadline: deadline) {
            passed.raise()
            work.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await work.value
            } onCancel: {
                work.cancel()
            }
        } catch {
            // A failure at the deadline is the deadline's, even when it came
            // from AsyncHTTPClient's own request deadline a moment before our
            // timer fired.
            if passed.isRaised || NIODeadline.now() >= deadline { throw expired() }
            throw error
        }
    }

    /// Set by the timer when it fires.
    private final class Flag: Sendable {
        private let raised = Mutex(false)

        var isRaised: Bool { raised.withLock { $0 } }

        func raise() { raised.withLock { $0 = true } }
    }
}
