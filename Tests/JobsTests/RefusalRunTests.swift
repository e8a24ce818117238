import Testing

@testable import Jobs

/// How `RefusalRun` tells a rate limit from an outage, with the time passed
/// in (instants a fixed distance from one start), so the one-second rules are
/// checked without waiting.
@Suite struct RefusalRunTests {
    let start = ContinuousClock.now

    private func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    /// A limiter's refusals: the first reads the pace as the limit, the rest
    /// (requests already on their way, or sent within the second) back off
    /// and change nothing, and no pause of the throttle's own is added.
    @Test func aRateLimitIsReadAtItsFirstRefusal() {
        var run = RefusalRun(began: at(0), previousLimit: 45)
        let first = run.refused(isRefusal: true, startedAt: at(-5), now: at(0), pace: 38, maxPause: .seconds(60))
        #expect(first == RefusalRun.Reading(limit: 38, backOff: true, pause: nil))
        let next = run.refused(isRefusal: true, startedAt: at(900), now: at(910), pace: 3, maxPause: .seconds(60))
        #expect(next == RefusalRun.Reading(limit: nil, backOff: true, pause: nil))
        #expect(!run.isOutage && run.limit == 38)
    }

    /// A host that refuses a request sent a second after its first refusal
    /// (after its `Retry-After` pause) refuses everything: the limit goes
    /// back to the higher of the one remembered and the pace the host
    /// sustained until the outage, never to the pace of the paused second.
    @Test(arguments: [(45.0, 45.0), (20.0, 30.0), (0.0, 30.0)])
    func anOutageKeepsThePaceTheHostSustained(previous: Double, kept: Double) {
        var run = RefusalRun(began: at(0), previousLimit: previous)
        _ = run.refused(isRefusal: true, startedAt: at(-5), now: at(0), pace: 30, maxPause: .seconds(60))
        let probe = run.refused(isRefusal: true, startedAt: at(1_010), now: at(1_015), pace: 2, maxPause: .seconds(60))
        #expect(run.isOutage)
        #expect(probe.limit == kept && probe.backOff)
    }

    /// Requests that get no answer: one alone neither backs off nor pauses
    /// (a slow page is not an outage); once they fail for more than a second
    /// the host is paused, twice as long after each failed probe, at most
    /// `maxPause`, and failures of requests sent during a pause add none.
    @Test func unansweredRequestsPauseTheHostOnlyInAnOutageLongerEachProbe() {
        var run = RefusalRun(began: at(0), previousLimit: 40)
        let alone = run.refused(isRefusal: false, startedAt: at(-1), now: at(0), pace: 30, maxPause: .seconds(3))
        #expect(alone == RefusalRun.Reading(limit: nil, backOff: false, pause: nil))
        let outage = run.refused(isRefusal: false, startedAt: at(1_000), now: at(1_001), pace: 30, maxPause: .seconds(3))
        #expect(outage == RefusalRun.Reading(limit: 40, backOff: true, pause: .seconds(1)))
        let sameBurst = run.refused(isRefusal: false, startedAt: at(1_000), now: at(1_002), pace: 30, maxPause: .seconds(3))
        #expect(sameBurst == RefusalRun.Reading(limit: nil, backOff: true, pause: nil))
        let probe = run.refused(isRefusal: false, startedAt: at(2_001), now: at(2_002), pace: 1, maxPause: .seconds(3))
        #expect(probe.pause == .seconds(2) && probe.limit == nil)
        let later = run.refused(isRefusal: false, startedAt: at(4_002), now: at(4_003), pace: 1, maxPause: .seconds(3))
        #expect(later.pause == .seconds(3))
        // A host down for hours is probed once per maxPause; the pause never grows past it (nor overflows).
        for probe in 0..<200 {
            let pause = run.refused(isRefusal: false, startedAt: at(8_000 + 3_001 * probe), now: at(8_001 + 3_001 * probe), pace: 0, maxPause: .seconds(3))
            #expect(pause.pause == .seconds(3))
        }
    }

    /// Only a success of a request sent after the run began ends it.
    @Test func onlyASuccessOfARequestSentSinceTheFirstRefusalEndsTheRun() {
        let run = RefusalRun(began: at(0), previousLimit: 0)
        #expect(!run.isEnded(bySuccessOf: at(-1)))
        #expect(run.isEnded(bySuccessOf: at(1)))
    }
}
