import NIOCore
import NIOPosix
import Testing

@testable import Engines

/// The whole-fetch deadline: an answer in time passes through, an operation
/// still running at the deadline is cancelled and reported as expired, and
/// neither the operation's own errors nor the caller's cancellation are taken
/// for an expiry.
@Suite struct FetchDeadlineTests {
    struct Expired: Error {}
    struct Failed: Error {}

    let loop = MultiThreadedEventLoopGroup.singleton.any()
    // Deadlines that must not pass are an hour away: a starved test process
    // has taken over 30 s to run an operation that throws at once.

    @Test func answerBeforeTheDeadlinePassesThrough() async throws {
        let value = try await FetchDeadline.run(on: loop, deadline: .now() + .hours(1), expired: Expired()) { 42 }
        #expect(value == 42)
    }

    @Test func operationRunningAtTheDeadlineIsCancelledAndExpires() async throws {
        // Expired, not sixty seconds later: the sleep was cancelled.
        await #expect(throws: Expired.self) {
            try await FetchDeadline.run(on: loop, deadline: .now() + .milliseconds(50), expired: Expired()) {
                // The stalled fetch under test, not a wait: the deadline must cut it short.
                try await Task.sleep(for: .seconds(60))
            }
        }
    }

    @Test func operationErrorIsNotAnExpiry() async throws {
        await #expect(throws: Failed.self) {
            try await FetchDeadline.run(on: loop, deadline: .now() + .hours(1), expired: Expired()) { throw Failed() }
        }
    }

    @Test func callersCancellationReachesTheOperation() async throws {
        let caller = Task {
            try await FetchDeadline.run(on: loop, deadline: .now() + .hours(1), expired: Expired()) {
                // The stalled fetch under test, not a wait: the caller's cancellation must cut it short.
                try await Task.sleep(for: .seconds(3600))
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }
}
