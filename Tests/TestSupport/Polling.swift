/// Polls `condition` every `interval` (20 ms) until it holds or `seconds` pass, then reports the last result.
///
/// Tests wait for conditions this way instead of sleeping, and the default
/// timeout is generous so a loaded 2-core CI machine does not fail them. It is
/// the tests' one polling helper (samplers use it too, measuring in
/// `condition`): a test that must fail on timeout wraps it in `#require`, one
/// that only records it in `#expect`.
///
/// Time the test process itself stood still does not count against the
/// timeout: a sleep of 20 ms that ends a second or more late means every
/// thread of the cooperative pool was held (at the start of a parallel run,
/// by the test servers of many tests starting at once; CI saw 26 s of it),
/// and neither the condition nor what it waits for could run meanwhile.
public func pollUntil(
    seconds: Double = 30, every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    var deadline = clock.now + .milliseconds(Int(seconds * 1000))
    while clock.now < deadline {
        if try await condition() { return true }
        let asleep = clock.now
        try? await Task.sleep(for: interval)
        let late = clock.now - asleep - interval
        if late >= stallThreshold { deadline += late }
    }
    return try await condition()
}

/// How late a poll's sleep must end to count as a stall of the whole process rather than a busy machine.
private let stallThreshold: Duration = .seconds(1)
