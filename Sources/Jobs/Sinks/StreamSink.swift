import FoundationEssentials
import JSON
import Redis

/// Appends a job's records to a Redis stream, each exactly once, whatever
/// crashes and resumes happen in between.
///
/// Exactly once rests on two facts. First, a record goes to the stream only
/// once a checkpoint covers it (`JobRunner.saveCheckpoint` calls `publish`
/// after the store has the checkpoint): below the checkpoint's offset the
/// JSONL file never changes again, whereas a record past it is cut off by a
/// resume and its page crawled again, perhaps in another order. So the stream
/// trails the file by at most one checkpoint interval (100 pages or 10 s).
/// Second, record n (1-based, in file order) gets the entry id
/// `<base>-<n>`, with `base` fixed per job (Redis's clock in ms at the job's
/// first publish, above any id already in the stream) and kept, with the last
/// n published, in `crawld:sink:<job>`. One script (`StreamSinkScript`)
/// reads that state, appends and advances it atomically, so a publish
/// repeated after a crash, or by a second instance that took the job over,
/// skips what is there; an `XADD` Redis refuses as not above the stream's top
/// counts as written when the top is this job's own later entry, and is a
/// conflict (another writer on the stream) otherwise.
actor StreamSink {
    /// What `job.status` shows under `stream`.
    struct Status: Sendable, Equatable {
        var stream: String
        /// Records in the stream (the highest n appended).
        var published = 0
        /// The last failure, cleared by the next publish that succeeds.
        var error: String?

        var json: JSONObject {
            var o: JSONObject = ["name": .string(stream), "published": .int(Int64(published))]
            if let error { o["error"] = .string(error) }
            return o
        }
    }

    /// Why a publish stopped.
    enum Failure: Error {
        /// Redis could not be reached or refused the script; the next checkpoint tries again.
        case unavailable(String)
        /// The stream holds entries this job did not write above its ids: the job cannot go on exactly once.
        case conflict(String)
    }

    private let redis: RedisConnection
    private let spec: StreamSinkSpec
    private let job: String
    private let stateKey: String
    /// Where the next record to publish starts in the file, once known.
    private var next: JSONLReader.Position?
    private(set) var status: Status
    /// Records per script call, and their bytes at most (the first always goes).
    static let batchRecords = 100
    static let batchBytes = 4 << 20
    /// How long `crawld:sink:<job>` outlives the job's last publish: as long as finished jobs are kept in Redis.
    static let stateTTL = 7 * 86_400

    init(redis: RedisConnection, spec: StreamSinkSpec, job: String, keyPrefix: String = "crawld") {
        self.redis = redis
        self.spec = spec
        self.job = job
        stateKey = Self.stateKey(job: job, keyPrefix: keyPrefix)
        status = Status(stream: spec.stream)
    }

    /// The hash that holds a job's `base` and `published`.
    static func stateKey(job: String, keyPrefix: String = "crawld") -> String { "\(keyPrefix):sink:\(job)" }

    /// Records of `job` in its stream as Redis counts them now; nil when Redis cannot say.
    static func published(job: String, redis: RedisConnection) async -> Int64? {
        try? await redis.command(["HGET", stateKey(job: job), "published"]).integer
    }

    /// Appends the records of `path` below `length` (a checkpoint's offset) that the stream does not hold yet.
    /// - Returns: the status afterwards.
    /// - Throws: `Failure.conflict` when another writer holds the stream's ids; other failures are kept in the status.
    func publish(path: String, length: UInt64) async throws(Failure) -> Status {
        do {
            var position = try await start(path: path, length: length)
            while position.byte < length {
                let page = try readPage(path: path, length: length, from: position)
                guard !page.records.isEmpty else { break }
                try await append(page.records.map { $0.encodedString() }, first: position.record + 1)
                position = page.next
                next = position
            }
            status.error = nil
            return status
        } catch .conflict(let why) {
            status.error = why
            throw .conflict(why)
        } catch .unavailable(let why) {
            status.error = why
            return status
        }
    }

    /// The position of the first record not yet in the stream: from memory, or at the first
    /// publish of this process from the state in Redis and one scan of the file.
    private func start(path: String, length: UInt64) async throws(Failure) -> JSONLReader.Position {
        if let next { return next }
        try await append([], first: 1)
        let published = status.published
        do {
            let found = try JSONLReader.records(at: path, length: length, offset: published, limit: 0).next
            // A checkpoint older than what was published (the file was cut below it): nothing new to send yet.
            return found.record == published ? found : JSONLReader.Position(record: published, byte: length)
        } catch {
            throw .unavailable("cannot read '\(path)': \(error.message)")
        }
    }

    private func readPage(path: String, length: UInt64, from position: JSONLReader.Position) throws(Failure) -> JSONLReader.Page {
        do {
            return try JSONLReader.records(
                at: path, length: length, from: position, offset: position.record, limit: Self.batchRecords, maxBytes: Self.batchBytes)
        } catch {
            throw .unavailable("cannot read '\(path)': \(error.message)")
        }
    }

    /// Runs the script with `lines` as records `first`, `first + 1`, …
    private func append(_ lines: [String], first: Int) async throws(Failure) {
        let arguments = [job, String(spec.maxLength ?? 0), String(Self.stateTTL), String(first)] + lines
        let reply: RedisReply
        do {
            reply = try await StreamSinkScript.shared.run(redis, keys: [spec.stream, stateKey], arguments: arguments)
        } catch {
            throw .unavailable("Redis: \(error)")
        }
        let parts = reply.array ?? []
        switch parts.first?.string {
        case "ok"?:
            status.published = Int(parts.count > 1 ? parts[1].integer ?? 0 : 0)
        case "conflict"?:
            let top = parts.count > 1 ? parts[1].string ?? "?" : "?"
            throw .conflict("stream '\(spec.stream)' holds entries up to \(top) that this job did not write; records are no longer appended")
        default:
            throw .unavailable("unexpected answer from the stream script")
        }
    }
}
