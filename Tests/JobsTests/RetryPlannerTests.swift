import Foundation
import Testing

@testable import Jobs

@Suite struct RetryPlannerTests {
    /// A policy like the shipped one: 100 ms, 200 ms, 400 ms, then give up.
    let planner = RetryPlanner(
        policy: { attempt, _, _ in attempt <= 3 ? .milliseconds(100 << (attempt - 1)) : nil }, maxRetries: 5, maxRetryAfter: .seconds(60))

    @Test(arguments: [
        (PageOutcome(status: 503), true), (PageOutcome(status: 500), true), (PageOutcome(status: 429), true),
        (PageOutcome(errorCode: "fetch_failed"), true), (PageOutcome(errorCode: "timeout"), true),
        (PageOutcome(status: 404), false), (PageOutcome(status: 200), false), (PageOutcome(status: 301), false),
        (PageOutcome(errorCode: "script_error"), false), (PageOutcome(errorCode: "invalid_url"), false),
    ])
    func transientFailures(outcome: PageOutcome, transient: Bool) {
        #expect(RetryPlanner.isTransient(outcome) == transient)
    }

    @Test func policyDelaysThenGivesUp() async {
        let outcome = PageOutcome(status: 503)
        #expect(await planner.delay(after: outcome, attempt: 1) == .milliseconds(100))
        #expect(await planner.delay(after: outcome, attempt: 3) == .milliseconds(400))
        #expect(await planner.delay(after: outcome, attempt: 4) == nil)
        #expect(await planner.delay(after: PageOutcome(status: 404), attempt: 1) == nil)
    }

    @Test func maxRetriesCaps() async {
        let strict = RetryPlanner(policy: { _, _, _ in .milliseconds(10) }, maxRetries: 1)
        #expect(await strict.delay(after: PageOutcome(errorCode: "timeout"), attempt: 1) == .milliseconds(10))
        #expect(await strict.delay(after: PageOutcome(errorCode: "timeout"), attempt: 2) == nil)
        let none = RetryPlanner(policy: { _, _, _ in .milliseconds(10) }, maxRetries: 0)
        #expect(await none.delay(after: PageOutcome(status: 500), attempt: 1) == nil)
    }

    @Test func policySeesAttemptStatusAndError() async {
        let seen = Recorder()
        let planner = RetryPlanner(
            policy: { attempt, status, error in
                await seen.add("\(attempt) \(status.map(String.init) ?? "nil") \(error ?? "nil")"); return .milliseconds(1)
            }, maxRetries: 3)
        _ = await planner.delay(after: PageOutcome(status: 429), attempt: 2)
        _ = await planner.delay(after: PageOutcome(errorCode: "fetch_failed"), attempt: 1)
        #expect(await seen.items == ["2 429 nil", "1 nil fetch_failed"])
    }

    @Test func retryAfterSecondsRaisesTheDelay() async {
        #expect(await planner.delay(after: PageOutcome(status: 429, retryAfter: "3"), attempt: 1) == .seconds(3))
        #expect(await planner.delay(after: PageOutcome(status: 503, retryAfter: "0"), attempt: 2) == .milliseconds(200))
        #expect(await planner.delay(after: PageOutcome(status: 503, retryAfter: "3600"), attempt: 1) == nil)
        #expect(await planner.delay(after: PageOutcome(status: 503, retryAfter: "soon"), attempt: 1) == .milliseconds(100))
    }

    @Test func retryAfterHTTPDates() {
        let now = Date(timeIntervalSince1970: 784_111_777) // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryPlanner.retryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryPlanner.retryAfter("Sunday, 06-Nov-94 08:50:37 GMT", now: now) == .seconds(60))
        #expect(RetryPlanner.retryAfter("Sun Nov  6 08:49:57 1994", now: now) == .seconds(20))
        #expect(RetryPlanner.retryAfter("Sat, 05 Nov 1994 08:49:37 GMT", now: now) == .zero)
        #expect(RetryPlanner.retryAfter(" 120 ", now: now) == .seconds(120))
        #expect(RetryPlanner.retryAfter("-1", now: now) == nil)
        #expect(RetryPlanner.retryAfter("", now: now) == nil)
    }
}

actor Recorder {
    var items: [String] = []
    func add(_ item: String) { items.append(item) }
}
