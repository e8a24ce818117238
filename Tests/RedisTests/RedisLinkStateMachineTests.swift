import Testing

@testable import Redis

@Suite struct RedisLinkStateMachineTests {
    private func machine(threshold: Int = 3) -> RedisLinkStateMachine {
        RedisLinkStateMachine(minimumBackoff: .milliseconds(500), maximumBackoff: .seconds(30), circuitBreakerThreshold: threshold)
    }

    @Test func backoffDoublesAndStaysWithinBounds() {
        let m = machine()
        #expect(m.backoff(afterFailures: 1, jitter: 1) == .milliseconds(500))
        #expect(m.backoff(afterFailures: 2, jitter: 1) == .seconds(1))
        #expect(m.backoff(afterFailures: 3, jitter: 1) == .seconds(2))
        #expect(m.backoff(afterFailures: 20, jitter: 1) == .seconds(30))
        #expect(m.backoff(afterFailures: 20, jitter: 0) == .seconds(15))
        #expect(m.backoff(afterFailures: 1, jitter: 0) == .milliseconds(500))
        for failures in 1...40 {
            for jitter in [0.0, 0.37, 1.0] {
                let delay = m.backoff(afterFailures: failures, jitter: jitter)
                #expect(delay >= .milliseconds(500) && delay <= .seconds(30))
            }
        }
    }

    @Test func circuitOpensAfterThresholdAndClosesOnSuccess() {
        var m = machine(threshold: 3)
        let start = ContinuousClock.now
        #expect(m.shouldAttempt(at: start))
        m.connectFailed(at: start, jitter: 1)
        #expect(m.state == .down)
        #expect(!m.shouldAttempt(at: start))
        #expect(m.shouldAttempt(at: start + .milliseconds(500)))
        m.connectFailed(at: start, jitter: 1)
        m.connectFailed(at: start, jitter: 1)
        #expect(m.state == .circuitOpen)
        #expect(m.consecutiveFailures == 3)
        m.connectSucceeded()
        #expect(m.state == .connected)
        #expect(m.consecutiveFailures == 0)
        #expect(!m.shouldAttempt(at: start + .seconds(60)))
    }

    @Test func lostConnectionRetriesAtOnce() {
        var m = machine()
        m.connectSucceeded()
        let now = ContinuousClock.now
        m.connectionLost(at: now)
        #expect(m.state == .down)
        #expect(m.shouldAttempt(at: now))
    }
}
