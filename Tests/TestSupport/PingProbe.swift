import JSON

/// The liveness check the containment issues ask for: while an attack runs,
/// a fresh connection's `ping` keeps answering within a bound.
public enum PingProbe {
    /// How long a fresh connection to the daemon on `port` took to connect
    /// and get its answer to `ping`; throws when no answer came within 30 s.
    public static func answerTime(port: Int) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let client = try await LineClient.connect(port: port)
        let answer: JSONObject
        do {
            answer = try await client.request(["op": "ping"], timeout: .seconds(30)).answer
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        guard answer["ok"] == true else { throw LineClientError(message: "ping answered \(answer)") }
        return clock.now - start
    }

    /// Pings on fresh connections every 100 ms until `done` holds (at most
    /// `seconds`), and returns the slowest answer time seen.
    public static func slowestAnswer(port: Int, seconds: Double = 120, until done: () async throws -> Bool) async throws -> Duration {
        var slowest = Duration.zero
        _ = try await pollUntil(seconds: seconds, every: .milliseconds(100)) {
            slowest = max(slowest, try await answerTime(port: port))
            return try await done()
        }
        return slowest
    }
}
