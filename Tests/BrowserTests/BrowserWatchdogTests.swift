import Testing

@testable import Engines

/// The watchdog's decisions with made-up instants: no browser, no clock.
struct BrowserWatchdogTests {
    let start = ContinuousClock.now

    @Test func firstTickPingsAndWaitsOneInterval() {
        var watchdog = BrowserWatchdog(interval: .seconds(1), maxMissedBeats: 3)
        let (action, next) = watchdog.tick(now: start)
        #expect(action == .ping)
        #expect(next == .seconds(1))
        #expect(watchdog.tick(now: start + .milliseconds(400)) == (.none, .milliseconds(600)))
    }

    @Test func answeredPingsNeverKill() {
        var watchdog = BrowserWatchdog(interval: .seconds(1), maxMissedBeats: 2)
        for beat in 0..<10 {
            #expect(watchdog.tick(now: start + .seconds(beat)).action == .ping)
            watchdog.pong()
        }
        #expect(watchdog.missedBeats == 0)
    }

    @Test func killsAfterMaxMissedBeats() {
        var watchdog = BrowserWatchdog(interval: .seconds(1), maxMissedBeats: 3)
        #expect(watchdog.tick(now: start).action == .ping)
        #expect(watchdog.tick(now: start + .seconds(1)).action == .none)
        #expect(watchdog.tick(now: start + .seconds(2)).action == .none)
        guard case .kill(let error) = watchdog.tick(now: start + .seconds(3)).action else {
            Issue.record("expected a kill at the third missed beat")
            return
        }
        #expect(error.code == .timeout)
        #expect(error.message.contains("3 heartbeats"))
    }

    @Test func aLatePongResetsTheCount() {
        var watchdog = BrowserWatchdog(interval: .seconds(1), maxMissedBeats: 2)
        _ = watchdog.tick(now: start)
        _ = watchdog.tick(now: start + .seconds(1))
        #expect(watchdog.missedBeats == 1)
        watchdog.pong()
        #expect(watchdog.missedBeats == 0)
        #expect(watchdog.tick(now: start + .seconds(2)).action == .ping)
    }

    @Test func probeWithNoPingInFlightPingsNowAndKillsWithoutAnAnswer() {
        var watchdog = BrowserWatchdog(interval: .seconds(1), maxMissedBeats: 5)
        _ = watchdog.tick(now: start)
        watchdog.pong()
        watchdog.probe(now: start + .milliseconds(300))
        #expect(watchdog.tick(now: start + .milliseconds(300)) == (.ping, .seconds(1)))
        guard case .kill(let error) = watchdog.tick(now: start + .milliseconds(1300)).action else {
            Issue.record("expected a kill one interval after an unanswered probe, not at the fifth missed beat")
            return
        }
        #expect(error.code == .timeout)
        #expect(error.message.contains("deadline"))
    }

    @Test func answeredProbeKeepsTheBrowser() {
        var watchdog = BrowserWatchdog(interval: .seconds(1), maxMissedBeats: 5)
        _ = watchdog.tick(now: start)
        watchdog.pong()
        watchdog.probe(now: start + .milliseconds(300))
        #expect(watchdog.tick(now: start + .milliseconds(300)).action == .ping)
        watchdog.pong()
        #expect(watchdog.tick(now: start + .milliseconds(1300)).action == .ping)
        #expect(watchdog.tick(now: start + .milliseconds(2300)).action == .none)
    }

    @Test func probeWithAPingInFlightKillsWhenThatPingMissesItsBeat() {
        var watchdog = BrowserWatchdog(interval: .seconds(10), maxMissedBeats: 5)
        #expect(watchdog.tick(now: start).action == .ping)
        watchdog.probe(now: start + .seconds(2))
        #expect(watchdog.tick(now: start + .seconds(2)) == (.none, .seconds(8)))
        guard case .kill = watchdog.tick(now: start + .seconds(10)).action else {
            Issue.record("expected a kill when the ping in flight misses its beat during a probe")
            return
        }
    }
}
