import NIOCore
import NIOPosix
import Testing

@testable import Engines

/// The whole-fetch deadline: an answer in time passes through, an operation
/// still running at the deadline is cancelled and reported as expired, and
/// neither the operation's own errors nor the caller's cancellation are taken
/// for an expiry.
@Suite struct FetchDeadlinesTests {
    struct Expired: Error {}
    struct Failed: Error {}

    let deadlines = FetchDeadlines(eventLoop: MultiThreadedEventLoopGroup.singleton.any())
    // Deadlines that must not pass are an hour away: a starved test process
    // has taken over 30 s to run an operation that throws at once.

    @Test func answerBeforeTheDeadlinePassesThrough() async throws {
        let value = try await deadlines.run(deadline: .now() + .hours(1), expired: Expired()) { 42 }
        #expect(value == 42)
    }

    @Test func operationRunningAtTheDeadlineIsCancelledAndExpires() async throws {
        // Expired, not sixty seconds later: the sleep was cancelled.
        await #expect(throws: Expired.self) {
            try await deadlines.run(deadline: .now() + .milliseconds(50), expired: Expired()) {
                // The stalled fetch under test, not a wait: the deadline must cut it short.
                try await Task.sleep(for: .seconds(60))
            }
        }
    }

    /// Each fetch ends at its own deadline, the timer's ticks shared: a short one expires while a long one
    /// beside it runs on and answers.
    @Test func eachRunEndsAtItsOwnDeadline() async throws {
        let gate = AsyncStream<Void>.makeStream()
        async let long = deadlines.run(deadline: .now() + .hours(1), expired: Expired()) {
            // The long fetch answers once the short one has expired.
            for await _ in gate.stream { return 7 }
            return 0
        }
        await #expect(throws: Expired.self) {
            try await deadlines.run(deadline: .now() + .milliseconds(50), expired: Expired()) {
                try await Task.sleep(for: .seconds(60))
            }
        }
        gate.continuation.yield()
        #expect(try await long == 7)
    }

    /// The timer stops when no fetch runs and starts again with the next one.
    @Test func aRunAfterTheTimerStoppedStillExpires() async throws {
        for _ in 0..<2 {
            await #expect(throws: Expired.self) {
                try await deadlines.run(deadline: .now() + .milliseconds(20), expired: Expired()) {
                    try await Task.sleep(for: .seconds(60))
                }
            }
            // Several ticks with nothing running: the timer has stopped.
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func operationErrorIsNotAnExpiry() async throws {
        await #expect(throws: Failed.self) {
            try await deadlines.run(deadline: .now() + .hours(1), expired: Expired()) { throw Failed() }
        }
    }

    @Test func callersCancellationReachesTheOperation() async throws {
        let caller = Task {
            try await deadlines.run(deadline: .now() + .hours(1), expired: Expired()) {
                // The stalled fetch under test, not a wait: the caller's cancellation must cut it short.
                try await Task.sleep(for: .seconds(3600))
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }
}
