// What the in-process benchmarks share: CPU clocks, the median of their rounds,
// and reading `--name value` options.
#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds of the calling thread: what one thread's parse or render costs,
/// whatever else the machine runs.
public func threadCPUTime() -> Double { cpuSeconds(CLOCK_THREAD_CPUTIME_ID) }

/// CPU seconds of the whole process, for work spread over several threads.
public func processCPUTime() -> Double { cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) }

private func cpuSeconds(_ clock: clockid_t) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The median of the rounds (the mean of the middle two for an even count).
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Takes `--name value` out of `arguments` and returns the value.
public func option(_ name: String, in arguments: inout [String]) -> String? {
    guard let flag = arguments.firstIndex(of: name), flag + 1 < arguments.count else { return nil }
    defer { arguments.removeSubrange(flag...flag + 1) }
    return arguments[flag + 1]
}
