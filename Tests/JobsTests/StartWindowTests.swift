import Testing

@testable import Jobs

/// `StartWindow`: the rate counts the starts of the last window only, over
/// the host's age while it is younger than the window.
@Suite struct StartWindowTests {
    let t0 = ContinuousClock.now

    @Test func aYoungHostsRateIsOverItsAgeAndAtLeastATenthOfASecond() {
        var window = StartWindow(window: .seconds(1), capacity: 100)
        #expect(window.rate(now: t0) == 0)
        for i in 0..<5 { window.record(t0 + .milliseconds(100 * i)) }
        #expect(abs(window.rate(now: t0 + .milliseconds(500)) - 10) < 1e-9)
        #expect(abs(window.rate(now: t0 + .milliseconds(400)) - 12.5) < 1e-9)
        var one = StartWindow(window: .seconds(1), capacity: 100)
        one.record(t0)
        #expect(abs(one.rate(now: t0 + .milliseconds(20)) - 10) < 1e-9, "one start, 20 ms old: over 100 ms")
    }

    @Test func startsOlderThanTheWindowLeaveTheRate() {
        var window = StartWindow(window: .seconds(1), capacity: 100)
        for i in 0..<20 { window.record(t0 + .milliseconds(100 * i)) }
        // At 2.05 s the starts of 1.1 s ... 1.9 s are within the window: 9 a second.
        #expect(abs(window.rate(now: t0 + .milliseconds(2_050)) - 9) < 1e-9)
        // No start since 1.9 s: by 2.5 s those of 1.5 s ... 1.9 s remain, though nothing recorded dropped them.
        #expect(abs(window.rate(now: t0 + .milliseconds(2_500)) - 5) < 1e-9)
        #expect(window.rate(now: t0 + .seconds(10)) == 0)
        window.record(t0 + .seconds(10))
        #expect(abs(window.rate(now: t0 + .seconds(10)) - 10) < 1e-9, "idle past the window, the host starts over: one start over 100 ms")
    }

    @Test func pastItsCapacityTheRateReadsLow() {
        var window = StartWindow(window: .seconds(1), capacity: 4)
        for i in 0..<10 { window.record(t0 + .milliseconds(10 * i)) }
        #expect(abs(window.rate(now: t0 + .milliseconds(100)) - 40) < 1e-9, "4 starts over 100 ms, not 10")
    }
}
