import FoundationEssentials
import JSON
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// Checkpoints in Redis, one hash per job at `crawld:job:{id}`, listed in the
/// set `crawld:jobs`, so that every instance of a cluster sees every job.
///
/// The hash holds the checkpoint (`checkpoint`, the same JSON the disk store
/// writes) and, beside it, the few fields `job.status` and `job.list` need
/// (`state`, `progress`, `output`, `output_offset`, `records`) so that they
/// never read a seen-set. `owner` is the instance running the job: a save is
/// refused (`movedAway`) when another instance has taken the job over, which
/// fences off an instance that was presumed dead and claimed. A finished
/// job's hash expires after `finishedTTL` seconds; an unfinished one never does.
///
/// Every call goes through `RedisConnection.command`, which runs hiredis on
/// the connection's own thread and fails (`notConnected`, `circuitOpen`,
/// `connectionLost`) when Redis is away: the caller decides what to do then.
public struct RedisCheckpointStore: JobCheckpointStore {
    public let redis: RedisConnection
    /// This instance: the owner its saves write and check.
    public let instance: String
    public let keyPrefix: String
    public let finishedTTL: Int

    public init(redis: RedisConnection, instance: String, keyPrefix: String = "crawld", finishedTTL: Int = 7 * 86400) {
        self.redis = redis
        self.instance = instance
        self.keyPrefix = keyPrefix
        self.finishedTTL = finishedTTL
    }

    var index: String { keyPrefix + ":jobs" }

    func key(_ job: String) throws(JobError) -> String {
        guard JobID.isValid(job) else { throw JobError(.notFound, "'\(job)' is not a job id", field: "job") }
        return keyPrefix + ":job:" + job
    }

    // MARK: - JobCheckpointStore

    public func save(_ checkpoint: JobCheckpoint) async throws {
        try await save(checkpoint, owner: instance)
    }

    public func load(_ job: String) async throws -> JobCheckpoint? {
        let key = try key(job)
        guard let text = try await redis.command(["HGET", key, "checkpoint"]).string else { return nil }
        return try Self.decode(text, key: key)
    }

    public func all() async throws -> [JobCheckpoint] {
        var checkpoints: [JobCheckpoint] = []
        for job in try await members() {
            if let checkpoint = try await load(job) { checkpoints.append(checkpoint) }
        }
        return checkpoints
    }

    public func remove(_ job: String) async throws {
        _ = try await redis.command(["DEL", try key(job)])
        _ = try await redis.command(["SREM", index, job])
    }

    // MARK: - Cluster

    /// Stores `checkpoint` as `owner`'s (`""`: nobody's yet, a queued job), and,
    /// when `enqueueTo` names a stream, adds the job to it in the same step.
    /// - Throws: `movedAway` when the job belongs to another instance; `RedisError` when Redis is away.
    func save(_ checkpoint: JobCheckpoint, owner: String, enqueueTo stream: String? = nil) async throws {
        let key = try key(checkpoint.job)
        let ttl = checkpoint.state.isFinal ? String(finishedTTL) : "0"
        let arguments = [
            "EVAL", Self.saveScript, "2", key, index, owner, String(decoding: checkpoint.json.encoded(), as: UTF8.self),
            String(decoding: JSONValue.object(checkpoint.progress.json).encoded(), as: UTF8.self), checkpoint.state.rawValue,
            checkpoint.output, String(checkpoint.outputOffset), String(checkpoint.records), checkpoint.job, ttl, stream ?? "",
        ]
        let holder = try await redis.command(arguments).string ?? ""
        if holder == "!exists" { throw JobError(.badState, "job \(checkpoint.job) exists already") }
        guard holder.isEmpty else {
            throw JobError(.movedAway, "job \(checkpoint.job) is now run by instance '\(holder)'")
        }
    }

    /// Makes this instance the job's owner, whoever held it (after a claim).
    func takeOver(_ job: String) async throws {
        _ = try await redis.command(["HSET", try key(job), "owner", instance])
    }

    /// The job's progress and where it runs, without its frontier; nil if Redis has no such job.
    public func summary(_ job: String) async throws -> JobSummary? {
        let reply = try await redis.command(["HMGET", try key(job), "progress", "state", "owner", "output", "output_offset", "records"])
        let fields = reply.array ?? []
        guard fields.count == 6, let progressText = fields[0].string, let state = fields[1].string.flatMap(JobState.init),
            let output = fields[3].string
        else { return nil }
        guard let object = try? JSONValue.parse(Array(progressText.utf8)).objectValue else { return nil }
        var progress = JobProgress(job: job, output: output, restoring: object)
        progress.state = state
        let owner = fields[2].string ?? ""
        return JobSummary(
            progress: progress, owner: owner.isEmpty ? nil : owner, outputOffset: fields[4].integer.map { UInt64($0) } ?? 0,
            records: fields[5].integer.map { Int($0) } ?? 0)
    }

    /// Every job of the cluster; ids whose hash has expired leave the index here.
    public func summaries() async throws -> [JobSummary] {
        var result: [JobSummary] = []
        for job in try await members() {
            if let summary = try await summary(job) {
                result.append(summary)
            } else {
                _ = try await redis.command(["SREM", index, job])
            }
        }
        return result
    }

    private func members() async throws -> [String] {
        (try await redis.command(["SMEMBERS", index]).array ?? []).compactMap(\.string).filter(JobID.isValid).sorted()
    }

    private static func decode(_ text: String, key: String) throws(JobError) -> JobCheckpoint {
        do {
            return try JobCheckpoint(json: try JSONValue.parse(Array(text.utf8)))
        } catch let error as JobError {
            throw JobError(.checkpoint, "'\(key)': \(error.message)")
        } catch {
            throw JobError(.checkpoint, "'\(key)' is not JSON: \(error)")
        }
    }

    /// KEYS: job hash, index set. ARGV: owner, checkpoint, progress, state,
    /// output, output_offset, records, job id, ttl (0: none), stream ("" : none).
    /// Returns "" when saved, `!exists` when a job to queue already exists, else the instance that holds the job.
    private static let saveScript = """
        if ARGV[10] ~= '' and redis.call('EXISTS', KEYS[1]) == 1 then return '!exists' end
        local holder = redis.call('HGET', KEYS[1], 'owner')
        if holder and holder ~= '' and holder ~= ARGV[1] then return holder end
        redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'checkpoint', ARGV[2], 'progress', ARGV[3], 'state', ARGV[4],
            'output', ARGV[5], 'output_offset', ARGV[6], 'records', ARGV[7])
        redis.call('SADD', KEYS[2], ARGV[8])
        if ARGV[9] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[9]) else redis.call('PERSIST', KEYS[1]) end
        if ARGV[10] ~= '' then redis.call('XADD', ARGV[10], '*', 'job', ARGV[8]) end
        return ''
        """
}

/// What `job.status`, `job.list` and `job.results` need of a job that may run
/// on another instance: its progress, its owner, and its output window.
public struct JobSummary: Sendable, Equatable {
    public var progress: JobProgress
    /// The instance running it (or that ran it last); nil while it waits in the queue.
    public var owner: String?
    /// Bytes and records of the output as of the last checkpoint.
    public var outputOffset: UInt64
    public var records: Int
}
