import NIOCore
import Synchronization

/// The deadlines over an engine's fetches (every redirect hop and the body),
/// kept by one timer that ticks on an event loop while any fetch is running.
///
/// Not a child task sleeping until the deadline, as it once was: on Linux a
/// cancelled `Task.sleep` keeps its timer, and the task with it, until the
/// deadline passes: under load, a fetch rate times the timeout of sleeping
/// tasks, whose memory the daemon's RSS showed (docs/benchmarks.md). Nor a
/// scheduled task on an event loop per fetch, as it was next: scheduling one
/// and cancelling it from the fetch's own thread each wrote to the loop's
/// eventfd and woke it, two thread switches a page at thousands of pages a
/// second. A fetch here takes a place in a table under a lock, and gives it
/// back the same way; the one timer finds the deadlines that passed.
/// AsyncHTTPClient keeps its own request deadline, but only until the
/// response head, not over the body.
///
/// A deadline is noticed within one `tick` of passing.
final class FetchDeadlines: Sendable {
    private let eventLoop: any EventLoop
    private let tick: TimeAmount
    private let state = Mutex(State())

    private struct State {
        var nextID: UInt64 = 0
        var running: [UInt64: Running] = [:]
        /// No running deadline passes before this; the table is only searched after it.
        var earliest = NIODeadline.distantFuture
        var ticking = false
    }

    private struct Running {
        let deadline: NIODeadline
        let expire: @Sendable () -> Void
    }

    /// - Parameters:
    ///   - eventLoop: where the timer ticks.
    ///   - tick: how often the timer looks at the running deadlines.
    init(eventLoop: any EventLoop, tick: TimeAmount = .milliseconds(10)) {
        self.eventLoop = eventLoop
        self.tick = tick
    }

    /// Runs `operation` in a task of its own and cancels that task when
    /// `deadline` passes.
    /// - Returns: what `operation` returned.
    /// - Throws: `expired()` when the deadline cut `operation` short (or it
    ///   failed at or past the deadline), else what `operation` threw.
    func run<Result: Sendable>(
        deadline: NIODeadline,
        expired: @autoclosure () -> any Error,
        _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let passed = Flag()
        let work = Task { try await operation() }
        let id = add(deadline) {
            passed.raise()
            work.cancel()
        }
        defer { remove(id) }
        do {
            return try await withTaskCancellationHandler {
                try await work.value
            } onCancel: {
                work.cancel()
            }
        } catch {
            // A failure at the deadline is the deadline's, even when it came
            // from AsyncHTTPClient's own request deadline a moment before the
            // timer noticed.
            if passed.isRaised || NIODeadline.now() >= deadline { throw expired() }
            throw error
        }
    }

    /// Enters a deadline; starts the timer when it is not ticking.
    private func add(_ deadline: NIODeadline, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, start) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.running[id] = Running(deadline: deadline, expire: expire)
            state.earliest = min(state.earliest, deadline)
            defer { state.ticking = true }
            return (id, !state.ticking)
        }
        if start { eventLoop.scheduleTask(in: tick) { self.expirePassed() } }
        return id
    }

    private func remove(_ id: UInt64) {
        state.withLock { _ = $0.running.removeValue(forKey: id) }
    }

    /// One tick, on the event loop: expires the deadlines that passed, and
    /// ticks again while any fetch is running.
    private func expirePassed() {
        let now = NIODeadline.now()
        let (passed, again) = state.withLock { state -> ([Running], Bool) in
            var passed: [Running] = []
            if now >= state.earliest {
                let ids = state.running.compactMap { $0.value.deadline <= now ? $0.key : nil }
                passed = ids.compactMap { state.running.removeValue(forKey: $0) }
                state.earliest = state.running.values.lazy.map(\.deadline).min() ?? .distantFuture
            }
            state.ticking = !state.running.isEmpty
            return (passed, state.ticking)
        }
        for running in passed { running.expire() }
        if again { eventLoop.scheduleTask(in: tick) { self.expirePassed() } }
    }

    /// Set by the timer when the deadline passes.
    private final class Flag: Sendable {
        private let raised = Mutex(false)

        var isRaised: Bool { raised.withLock { $0 } }

        func raise() { raised.withLock { $0 = true } }
    }
}
