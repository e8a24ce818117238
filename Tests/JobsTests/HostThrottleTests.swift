import Scripting
import Synchronization
import Testing

@testable import Jobs

/// What `HostThrottle` hands `politeness(host, stats)`, and the pause a
/// `Retry-After` puts on a host. Before issue 24 the policy saw only the host.
@Suite(.timeLimit(.minutes(10))) struct HostThrottleTests {
    let origin = "http://h:1"

    /// A policy that answers a fixed politeness and keeps every stats table it was shown.
    final class Recorder: Sendable {
        let seen = Mutex<[HostStats]>([])
        let answer: Politeness

        init(_ answer: Politeness = Politeness(delay: .zero, maxConcurrency: 4)) { self.answer = answer }

        var policy: PolitenessPolicy {
            { _, stats in
                self.seen.withLock { $0.append(stats) }
                return self.answer
            }
        }
        var last: HostStats? { seen.withLock { $0.last } }
    }

    @Test func statsCarryLatencyStatusesAndTheLastAnswer() async throws {
        let recorder = Recorder()
        let throttle = HostThrottle(policy: recorder.policy, maxPause: .seconds(60))
        try await throttle.acquire(origin: origin, host: "h")
        #expect(recorder.last?.current == nil && recorder.last?.requests == 0)
        #expect(await throttle.stats(origin: origin)?.inFlight == 1)
        await throttle.release(origin: origin, latency: .milliseconds(100), status: 200, retryAfter: nil)
        try await throttle.acquire(origin: origin, host: "h")
        await throttle.release(origin: origin, latency: .milliseconds(200), status: nil, retryAfter: nil)
        try await throttle.acquire(origin: origin, host: "h")
        let stats = try #require(recorder.last)
        #expect(stats.requests == 2 && stats.inFlight == 0)
        #expect(stats.statuses == [200, 0])
        #expect(abs((stats.latency - .milliseconds(130)).seconds) < 1e-6) // 100, then 0.7 × 100 + 0.3 × 200
        #expect(stats.current == recorder.answer)
        #expect(stats.rate > 0)
        #expect(stats.json["delay_ms"] == .double(0) && stats.json["max_concurrency"] == 4 && stats.json["since_refusal_ms"] == nil)
        await throttle.release(origin: origin, latency: .milliseconds(1), status: 200, retryAfter: nil)
    }

    /// Three refusals in flight at once are handed to the policy as one
    /// `throttled` count, once: the policy backs off once, not three times.
    @Test func refusalsAreHandedOutOnce() async throws {
        let recorder = Recorder()
        let throttle = HostThrottle(policy: recorder.policy, maxPause: .zero)
        for _ in 0..<3 { try await throttle.acquire(origin: origin, host: "h") }
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: nil)
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 503, retryAfter: nil)
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: nil)
        _ = await throttle.politeness(origin: origin, host: "h")
        let refused = try #require(recorder.last)
        #expect(refused.throttled == 3 && refused.count429 == 2 && refused.count503 == 1)
        #expect(refused.refusedRate > 0 && refused.sinceRefusal != nil)
        _ = await throttle.politeness(origin: origin, host: "h")
        #expect(recorder.last?.throttled == 0 && recorder.last?.count429 == 2)
        // A run of refusals keeps the rate at which it began; a success of a request sent since ends the run.
        for _ in 0..<4 { try await throttle.acquire(origin: origin, host: "h") }
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: nil)
        #expect(await throttle.stats(origin: origin)?.refusedRate == refused.refusedRate)
        await throttle.release(origin: origin, latency: .zero, status: 200, retryAfter: nil)
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: nil)
        #expect(await throttle.stats(origin: origin)?.refusedRate != refused.refusedRate)
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 200, retryAfter: nil)
    }

    /// Each run of refusals that reads the host's limit counts once in
    /// `limitReadings`, the policy's way to tell the first reading (taken
    /// while the pace climbs) from later ones (taken at a pace it held):
    /// the run's further refusals and a request with no answer do not count.
    @Test func eachRunThatReadsALimitCountsOnce() async throws {
        let throttle = HostThrottle(policy: Recorder().policy, maxPause: .zero)
        for _ in 0..<3 { try await throttle.acquire(origin: origin, host: "h") }
        await throttle.release(origin: origin, latency: .milliseconds(5), status: nil, retryAfter: nil)
        #expect(await throttle.stats(origin: origin)?.limitReadings == 0)
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: nil)
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 503, retryAfter: nil)
        #expect(await throttle.stats(origin: origin)?.limitReadings == 1)
        try await throttle.acquire(origin: origin, host: "h")
        await throttle.release(origin: origin, latency: .zero, status: 200, retryAfter: nil)
        try await throttle.acquire(origin: origin, host: "h")
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: nil)
        let stats = try #require(await throttle.stats(origin: origin))
        #expect(stats.limitReadings == 2 && stats.json["limit_readings"] == 2, "\(stats)")
    }

    /// The late success of a request sent before a host's first 503 does not
    /// end the run: the 503 after it (here with more starts in the last
    /// second) reads no new limit. Before, it did, and in an outage the 503
    /// after the `Retry-After` pause read the paused second's pace (a few
    /// requests) as the host's limit.
    @Test func aLateAnswerToARequestSentBeforeTheRefusalsDoesNotEndTheirRun() async throws {
        let recorder = Recorder()
        let throttle = HostThrottle(policy: recorder.policy, maxPause: .zero)
        for _ in 0..<3 { try await throttle.acquire(origin: origin, host: "h") }
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 503, retryAfter: nil)
        let limit = try #require(await throttle.stats(origin: origin)).refusedRate
        try await throttle.acquire(origin: origin, host: "h")
        await throttle.release(origin: origin, latency: .seconds(1), status: 200, retryAfter: nil)
        await throttle.release(origin: origin, latency: .milliseconds(1), status: 503, retryAfter: nil)
        #expect(await throttle.stats(origin: origin)?.refusedRate == limit)
        await throttle.release(origin: origin, latency: .zero, status: 200, retryAfter: nil)
    }

    /// A request that gets no answer (here a connection refused) neither
    /// backs off nor pauses on its own; one sent more than a second after it
    /// that fails too makes an outage: the policy is told to back off and
    /// the host is paused (1 s), with its limit left alone. Before, requests
    /// without an answer never slowed a host: a crawl hammered a host that
    /// refused every connection at its full pace.
    @Test func requestsUnansweredForMoreThanASecondPauseTheHost() async throws {
        let throttle = HostThrottle(policy: Recorder().policy, maxPause: .seconds(60))
        for _ in 0..<2 { try await throttle.acquire(origin: origin, host: "h") }
        let first = ContinuousClock.now
        await throttle.release(origin: origin, latency: .milliseconds(5), status: nil, retryAfter: nil)
        let alone = try #require(await throttle.stats(origin: origin))
        #expect(alone.throttled == 0 && alone.retryAfter == .zero)
        try await Task.sleep(until: first + .milliseconds(1_100))
        let released = ContinuousClock.now
        await throttle.release(origin: origin, latency: .zero, status: nil, retryAfter: nil)
        let outage = try #require(await throttle.stats(origin: origin))
        // The pause is a second from the release: what is left of it plus what has passed since
        // (all of it, if the test process stalled), whatever the machine's load.
        let passed = ContinuousClock.now - released
        #expect(outage.throttled == 1 && outage.refusedRate == 0, "\(outage)")
        #expect(outage.retryAfter + passed >= .milliseconds(900), "\(outage), \(passed) after the release")
    }

    /// A `Retry-After: 3600` holds the host for `maxPause` only (the
    /// operator's `--max-crawl-delay`), and the policy sees what is left of it.
    @Test func retryAfterPausesTheHostClampedByMaxPause() async throws {
        let recorder = Recorder()
        let throttle = HostThrottle(policy: recorder.policy, maxPause: .milliseconds(300))
        try await throttle.acquire(origin: origin, host: "h")
        let released = ContinuousClock.now
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 429, retryAfter: "3600")
        let left = try #require(await throttle.stats(origin: origin)).retryAfter
        #expect(left <= .milliseconds(300))
        // What is left plus what has passed since the release is the whole pause, whatever the machine's load.
        #expect(left + (ContinuousClock.now - released) >= .milliseconds(290), "\(left) left")
        let before = ContinuousClock.now
        try await throttle.acquire(origin: origin, host: "h")
        #expect(ContinuousClock.now - before >= left - .milliseconds(50), "the next request waited out the pause")
        await throttle.release(origin: origin, latency: .milliseconds(5), status: 200, retryAfter: nil)
    }

    @Test func onlyTheLeastRecentlyUsedIdleHostsAreForgotten() async throws {
        let throttle = HostThrottle(policy: Recorder().policy, maxPause: .zero, maxHosts: 4)
        try await throttle.acquire(origin: "http://busy:1", host: "busy")
        for index in 0..<8 {
            try await throttle.acquire(origin: "http://h\(index):1", host: "h\(index)")
            await throttle.release(origin: "http://h\(index):1", latency: .zero, status: 200, retryAfter: nil)
        }
        #expect(await throttle.stats(origin: "http://busy:1")?.inFlight == 1)
        #expect(await throttle.stats(origin: "http://h7:1") != nil)
        #expect(await throttle.stats(origin: "http://h0:1") == nil)
    }
}
