import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Decides whether and when a failed page is fetched again.
///
/// Only transient failures are retried: no response (`fetch_failed`),
/// `timeout`, HTTP 429 and 5xx. For those, `policies.retry(attempt, status,
/// error)` gives the delay or nil to give up, and the job's `max_retries` caps
/// the count. A `Retry-After` header (seconds or an HTTP-date) raises the delay
/// to what the server asked; one longer than `maxRetryAfter` gives up instead,
/// so a job does not sit for a day on one page.
public struct RetryPlanner: Sendable {
    private let policy: RetryPolicy
    private let maxRetries: Int
    private let maxRetryAfter: Duration

    public init(policy: @escaping RetryPolicy, maxRetries: Int, maxRetryAfter: Duration = .seconds(300)) {
        self.policy = policy
        self.maxRetries = maxRetries
        self.maxRetryAfter = maxRetryAfter
    }

    /// Whether `outcome` is a failure worth another attempt.
    public static func isTransient(_ outcome: PageOutcome) -> Bool {
        if let status = outcome.status, outcome.errorCode == nil { return status == 429 || (500...599).contains(status) }
        return outcome.errorCode == "fetch_failed" || outcome.errorCode == "timeout"
    }

    /// The wait before the next attempt, or nil to keep this outcome.
    /// - Parameters:
    ///   - attempt: the number of the attempt that produced `outcome` (1 for the first).
    ///   - now: the current time, for an HTTP-date `Retry-After`.
    public func delay(after outcome: PageOutcome, attempt: Int, now: Date = Date()) async -> Duration? {
        guard attempt <= maxRetries, Self.isTransient(outcome),
            let policyDelay = await policy(attempt, outcome.status, outcome.errorCode)
        else { return nil }
        var delay = max(.zero, policyDelay)
        if let header = outcome.retryAfter, let asked = Self.retryAfter(header, now: now) {
            guard asked <= maxRetryAfter else { return nil }
            delay = max(delay, asked)
        }
        return delay
    }

    /// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
    /// A date in the past gives zero; an unparseable value gives nil.
    public static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return Int64(text).map { .seconds($0) } ?? .seconds(Int64.max / 1_000_000_000_000)
        }
        guard let date = HTTPDate.secondsSince1970(text) else { return nil }
        let seconds = max(0, Double(date) - now.timeIntervalSince1970)
        return .milliseconds(Int64(seconds * 1000))
    }
}
