/// The state of the link to Redis, as `monitor.health` shows it.
public enum RedisLinkState: String, Sendable, Hashable {
    /// The first connect has not finished yet.
    case connecting
    case connected
    /// Lost or refused; reconnecting with backoff. Reads wait for the next attempt.
    case down
    /// Too many failures in a row: reads fail at once; a probe connect still runs at each backoff.
    case circuitOpen = "circuit_open"
    /// `shutdown()` was called.
    case stopped
}

/// Reconnect backoff and circuit breaker, without sockets or clocks of its own.
///
/// Kept apart from the I/O (as hummingbird keeps its connection state
/// machines) so a test can drive it with chosen instants and jitter. The
/// delay after the n-th failure in a row is `min * 2^(n-1)` capped at `max`,
/// then "equal jitter": half of it fixed, half random, never under `min`, so
/// instances that lost the same Redis do not all come back at one instant.
struct RedisLinkStateMachine: Sendable {
    private(set) var state: RedisLinkState = .connecting
    private(set) var consecutiveFailures = 0
    private(set) var nextAttempt: ContinuousClock.Instant?
    let minimumBackoff: Duration
    let maximumBackoff: Duration
    let circuitBreakerThreshold: Int

    init(minimumBackoff: Duration, maximumBackoff: Duration, circuitBreakerThreshold: Int) {
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.circuitBreakerThreshold = max(1, circuitBreakerThreshold)
    }

    /// Whether a connect should be tried at `now`.
    func shouldAttempt(at now: ContinuousClock.Instant) -> Bool {
        guard state != .connected, state != .stopped else { return false }
        guard let next = nextAttempt else { return true }
        return now >= next
    }

    mutating func connectSucceeded() {
        state = .connected
        consecutiveFailures = 0
        nextAttempt = nil
    }

    /// Records a failed connect and schedules the next one.
    /// - Parameter jitter: a number in 0...1 (random in production, fixed in tests).
    /// - Returns: the delay until the next attempt.
    @discardableResult
    mutating func connectFailed(at now: ContinuousClock.Instant, jitter: Double) -> Duration {
        consecutiveFailures += 1
        state = consecutiveFailures >= circuitBreakerThreshold ? .circuitOpen : .down
        let delay = backoff(afterFailures: consecutiveFailures, jitter: jitter)
        nextAttempt = now + delay
        return delay
    }

    /// The link broke while connected: try again at once (the first retry has no delay).
    mutating func connectionLost(at now: ContinuousClock.Instant) {
        guard state == .connected else { return }
        state = .down
        nextAttempt = now
    }

    mutating func stop() {
        state = .stopped
        nextAttempt = nil
    }

    /// Exponential delay with equal jitter, clamped to `minimumBackoff...maximumBackoff`.
    func backoff(afterFailures failures: Int, jitter: Double) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        var base = minimumBackoff * (1 << exponent)
        if base > maximumBackoff { base = maximumBackoff }
        let clampedJitter = min(max(jitter, 0), 1)
        let delay = base / 2 + (base / 2) * clampedJitter
        return max(minimumBackoff, delay)
    }
}
