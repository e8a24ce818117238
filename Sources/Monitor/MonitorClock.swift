import FoundationEssentials
import Synchronization

/// The memory %, sampled at most once a second and read without the state
/// lock, so recording a request stays cheap even when the probe reads cgroup
/// files. Two callers that find the sample stale at once both read the probe;
/// either value is as good as the other.
final class MemorySampler: Sendable {
    private let probe: @Sendable () -> Double
    private let origin = ContinuousClock.now
    private let valueBits = Atomic<UInt64>(0)
    /// Nanoseconds after `origin` of the last reading; -1 before the first.
    private let sampledAt = Atomic<Int64>(-1)

    init(probe: @escaping @Sendable () -> Double) {
        self.probe = probe
    }

    func value(at now: ContinuousClock.Instant) -> Double {
        let elapsed = (now - origin).nanoseconds
        let at = sampledAt.load(ordering: .acquiring)
        if at >= 0 && elapsed - at < 1_000_000_000 {
            return Double(bitPattern: valueBits.load(ordering: .relaxed))
        }
        let value = probe()
        valueBits.store(value.bitPattern, ordering: .relaxed)
        sampledAt.store(elapsed, ordering: .releasing)
        return value
    }
}

/// Wall-clock seconds for a monotonic instant, from one pair of readings, so
/// recording a request reads the clock once rather than twice. Re-anchored
/// at every timeline sample, so a step of the system clock shows within one
/// sample interval.
struct WallClockAnchor: Sendable {
    private var wall = Date().timeIntervalSince1970
    private var instant = ContinuousClock.now

    func seconds(at now: ContinuousClock.Instant) -> Double {
        wall + Double((now - instant).nanoseconds) / 1e9
    }
}

extension Duration {
    /// The whole duration in nanoseconds; an uptime fits many times over.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
