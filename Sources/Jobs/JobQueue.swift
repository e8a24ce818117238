import FoundationEssentials
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// The cluster's job queue: a Redis stream (`crawld:jobs:queue`) read by one
/// consumer group (`cluster`), in which each instance is a consumer named by
/// its instance id.
///
/// - `job.submit` on any instance stores the queued checkpoint and adds the
///   job to the stream in one script (`submit`).
/// - Each instance reads new entries (`XREADGROUP ... >`); the one that reads a
///   job runs it and acknowledges the entry (`XACK`, then `XDEL`) when the job
///   ends as completed, failed or cancelled. An interrupted job stays pending.
/// - At start an instance reads its own pending entries (`XREADGROUP ... 0`)
///   and resumes them, as after a SIGTERM or a SIGKILL; the read also resets
///   their idle time, so nobody claims them meanwhile.
/// - Entries pending with an instance whose heartbeat has expired, idle for at
///   least `claimIdle`, are claimed (`XPENDING` then `XCLAIM` with that idle
///   time, which only one claimer can win) and resume from their checkpoint.
///   `XAUTOCLAIM` is not used: the entry of a long job on a live instance is
///   idle too, and only the heartbeat tells the two apart.
public struct JobQueue: Sendable {
    /// One stream entry handed to this instance: the job to run.
    public struct Delivery: Sendable, Equatable {
        public let entry: String
        public let job: String
    }

    public let store: RedisCheckpointStore
    public let claimIdle: Duration
    let stream: String
    let group = "cluster"

    public init(store: RedisCheckpointStore, claimIdle: Duration = .seconds(5)) {
        self.store = store
        self.claimIdle = claimIdle
        stream = store.keyPrefix + ":jobs:queue"
    }

    var redis: RedisConnection { store.redis }
    var instance: String { store.instance }

    /// Creates the stream and the group if they do not exist (again, after Redis lost its data).
    public func prepare() async throws {
        do {
            _ = try await redis.command(["XGROUP", "CREATE", stream, group, "0", "MKSTREAM"])
        } catch let error as RedisError where error.message.hasPrefix("BUSYGROUP") {
            return
        }
    }

    /// Stores a new job's queued checkpoint and queues it for whichever instance reads it first.
    public func submit(_ checkpoint: JobCheckpoint) async throws {
        try await store.save(checkpoint, owner: "", enqueueTo: stream)
    }

    /// Up to `count` entries: this instance's own pending ones when `own`, else new ones.
    public func read(own: Bool, count: Int) async throws -> [Delivery] {
        let reply = try await withGroup {
            try await redis.command(["XREADGROUP", "GROUP", group, instance, "COUNT", String(count), "STREAMS", stream, own ? "0" : ">"])
        }
        var deliveries: [Delivery] = []
        for streamReply in reply.array ?? [] {
            guard let parts = streamReply.array, parts.count == 2 else { continue }
            for entry in parts[1].array ?? [] {
                guard let delivery = try await delivery(entry) else { continue }
                deliveries.append(delivery)
            }
        }
        return deliveries
    }

    /// Claims entries pending with instances not in `live`, idle for at least `claimIdle`.
    public func claimOrphans(live: Set<String>, accept: @Sendable (String) async -> Bool) async throws -> [Delivery] {
        let idle = String(claimIdle.components.seconds * 1000 + claimIdle.components.attoseconds / 1_000_000_000_000_000)
        let pending = try await withGroup { try await redis.command(["XPENDING", stream, group, "IDLE", idle, "-", "+", "64"]) }
        var claimed: [Delivery] = []
        for row in pending.array ?? [] {
            guard let fields = row.array, fields.count >= 2, let entry = fields[0].string, let consumer = fields[1].string,
                consumer != instance, !live.contains(consumer)
            else { continue }
            guard let job = try await jobOf(entry) else {
                try await ack(entry)
                continue
            }
            guard await accept(job) else { continue }
            let reply = try await redis.command(["XCLAIM", stream, group, instance, idle, entry])
            for item in reply.array ?? [] {
                guard let delivery = try await delivery(item) else { continue }
                try await store.takeOver(delivery.job)
                claimed.append(delivery)
            }
        }
        return claimed
    }

    /// The job has ended for good: its entry leaves the group and the stream.
    public func ack(_ entry: String) async throws {
        _ = try await redis.command(["XACK", stream, group, entry])
        _ = try await redis.command(["XDEL", stream, entry])
    }

    // MARK: - Replies

    /// An entry `[id, [field, value, ...]]`; one whose fields are gone (deleted) is acknowledged and skipped.
    private func delivery(_ reply: RedisReply) async throws -> Delivery? {
        guard let parts = reply.array, parts.count == 2, let entry = parts[0].string else { return nil }
        guard let job = parts[1].fieldValues?["job"], JobID.isValid(job) else {
            try await ack(entry)
            return nil
        }
        return Delivery(entry: entry, job: job)
    }

    private func jobOf(_ entry: String) async throws -> String? {
        let reply = try await redis.command(["XRANGE", stream, entry, entry])
        guard let first = reply.array?.first, let parts = first.array, parts.count == 2 else { return nil }
        return parts[1].fieldValues?["job"].flatMap { JobID.isValid($0) ? $0 : nil }
    }

    /// Runs `body`, creating the group and retrying once if Redis says it is missing.
    private func withGroup(_ body: () async throws -> RedisReply) async throws -> RedisReply {
        do {
            return try await body()
        } catch let error as RedisError where error.message.hasPrefix("NOGROUP") {
            try await prepare()
            return try await body()
        }
    }
}
