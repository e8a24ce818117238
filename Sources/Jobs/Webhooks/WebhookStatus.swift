import FoundationEssentials
import JSON

/// A job's webhook deliveries as `job.status` shows them under `webhook`.
///
/// Kept in the memory of the instance that runs the job, not in its
/// checkpoint: a restart starts the counts again. It never holds the secret,
/// and its URL is `WebhookSpec.displayURL`.
public struct WebhookStatus: Sendable, Equatable {
    public var url: String
    /// Events delivered (a 2xx answer).
    public var delivered = 0
    /// Events given up on after every attempt.
    public var failed = 0
    /// Events being delivered or waiting for their next attempt.
    public var pending = 0
    /// `progress` events not sent because the previous one was still being delivered.
    public var skipped = 0
    /// POSTs made, retries included.
    public var attempts = 0
    public var lastEvent: String?
    /// The HTTP status of the last attempt that got an answer.
    public var lastStatus: Int?
    /// Why the last failed attempt failed; cleared by a delivery.
    public var lastError: String?
    public var lastAttemptAt: Date?

    public var json: JSONObject {
        [
            "url": .string(url), "delivered": .int(Int64(delivered)), "failed": .int(Int64(failed)), "pending": .int(Int64(pending)),
            "skipped": .int(Int64(skipped)), "attempts": .int(Int64(attempts)), "last_event": lastEvent.map(JSONValue.string) ?? .null,
            "last_status": lastStatus.map { .int(Int64($0)) } ?? .null, "last_error": lastError.map(JSONValue.string) ?? .null,
            "last_attempt_at": lastAttemptAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
        ]
    }
}
