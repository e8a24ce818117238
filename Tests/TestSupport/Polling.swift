/// Polls `condition` every `interval` (20 ms) until it holds or `seconds` pass, then reports the last result.
///
/// Tests wait for conditions this way instead of sleeping, and the default
/// timeout is generous so a loaded 2-core CI machine does not fail them. It is
/// the tests' one polling helper (samplers use it too, measuring in
/// `condition`): a test that must fail on timeout wraps it in `#require`, one
/// that only records it in `#expect`.
public func pollUntil(
    seconds: Double = 30, every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
