import FoundationEssentials
import JSON

/// The monitor's long-running part: flushes, heartbeats and timeline samples.
extension Monitor {
    /// Starts the Redis connection and runs until the task is cancelled or
    /// `stop()` is called; then flushes, deregisters and closes Redis.
    ///
    /// The Daemon runs it in its `ServiceGroup` (for instance wrapped with
    /// `cancelOnGracefulShutdown()`); it never throws today, the signature
    /// leaves room for a Service conformance.
    public func run() async throws {
        redis?.start()
        sample()
        var nextSample = ContinuousClock.now + configuration.sampleInterval
        while !Task.isCancelled && !state.withLock({ $0.stopRequested }) {
            await flush()
            if ContinuousClock.now >= nextSample {
                sample()
                nextSample = nextSample + configuration.sampleInterval
            }
            // Heartbeats ride on flushes: a heartbeat interval shorter than
            // the flush interval shortens the wait.
            try? await Task.sleep(for: min(configuration.flushInterval, configuration.heartbeatInterval))
        }
        await deregister()
    }

    /// Asks `run()` to finish (flush, deregister, close Redis) within one flush interval.
    public func stop() {
        state.withLock { $0.stopRequested = true }
    }

    /// One timeline point: memory %, requests since the last point, engines per tier.
    func sample() {
        let memory = memoryPercent()
        let tiers = poolSnapshot()
        _ = processProbe.cpuPercent()
        let now = Date().timeIntervalSince1970
        state.withLock { state in
            let point = TimelinePoint(timestamp: now, memoryPercent: memory, requests: state.requestsThisSlot, tiers: tiers)
            state.requestsThisSlot = 0
            state.timeline.appendCapped(point, limit: Self.timelinePoints)
            state.wallClock = WallClockAnchor()
        }
    }
}
