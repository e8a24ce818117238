import FoundationEssentials
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads this process's CPU time and the network counters from `/proc`.
///
/// The root is injectable so tests can use fixture files. CPU % is the
/// process's user+system time over wall time since the previous reading
/// (100 % is one full core).
final class ProcessProbe: Sendable {
    private struct Reading: Sendable {
        let ticks: Int64
        let at: ContinuousClock.Instant
        let percent: Double
    }

    let procRoot: String
    private let ticksPerSecond: Double
    private let last = Mutex<Reading?>(nil)

    init(procRoot: String) {
        self.procRoot = procRoot
        let clock = sysconf(Int32(_SC_CLK_TCK))
        self.ticksPerSecond = Double(clock > 0 ? clock : 100)
    }

    /// CPU % since the previous reading; readings closer than 0.5 s return the previous figure.
    func cpuPercent() -> Double {
        guard let ticks = cpuTicks() else { return 0 }
        let now = ContinuousClock.now
        return last.withLock { last in
            guard let previous = last else {
                last = Reading(ticks: ticks, at: now, percent: 0)
                return 0
            }
            let elapsed = now - previous.at
            guard elapsed >= .milliseconds(500) else { return previous.percent }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let percent = Double(ticks - previous.ticks) / ticksPerSecond / seconds * 100
            last = Reading(ticks: ticks, at: now, percent: percent)
            return percent
        }
    }

    /// utime + stime of `/proc/self/stat`, in clock ticks.
    func cpuTicks() -> Int64? {
        guard let text = try? String(contentsOfFile: "\(procRoot)/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name start at field 3 (state); utime is 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return user + system
    }

    /// Bytes received and sent on every interface but loopback (`/proc/net/dev`).
    func network() -> (received: Int64, sent: Int64) {
        guard let text = try? String(contentsOfFile: "\(procRoot)/net/dev", encoding: .utf8) else { return (0, 0) }
        var received: Int64 = 0
        var sent: Int64 = 0
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon].drop { $0 == " " })
            guard name != "lo" else { continue }
            let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { Int64($0) }
            guard numbers.count >= 9 else { continue }
            received += numbers[0]
            sent += numbers[8]
        }
        return (received, sent)
    }
}
