import FoundationEssentials
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// Where checkpoints live: on disk under `--state-dir` (`DiskCheckpointStore`,
/// with `--redis none`), or in Redis (`RedisCheckpointStore`, `crawld:job:{id}`).
///
/// A store keeps the latest checkpoint per job, including those of finished
/// jobs (state completed, failed or cancelled, with no pending pages), so
/// `job.status` and `job.results` still answer after a restart.
public protocol JobCheckpointStore: Sendable {
    /// Replaces the job's checkpoint, atomically: a reader sees the old one or the new one.
    func save(_ checkpoint: JobCheckpoint) async throws
    /// The job's checkpoint, or nil if there is none.
    func load(_ job: String) async throws -> JobCheckpoint?
    /// Every checkpoint in the store.
    func all() async throws -> [JobCheckpoint]
    func remove(_ job: String) async throws
}

/// Checkpoints as `<state-dir>/jobs/<id>.json`, written to a temporary file,
/// flushed, and renamed over the old one, so a crash leaves the old or the new
/// checkpoint, never half of one.
public struct DiskCheckpointStore: JobCheckpointStore {
    public let directory: String

    /// - Parameter stateDirectory: `--state-dir`; checkpoints go in its `jobs` folder, created if needed.
    public init(stateDirectory: String) throws(JobError) {
        directory = stateDirectory + "/jobs"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JobError(.checkpoint, "cannot create '\(directory)': \(error)")
        }
    }

    /// Writes the checkpoint beside its file, flushes it and renames it over
    /// the old one, on `DiskThread` (the `fsync` waits for the disk).
    public func save(_ checkpoint: JobCheckpoint) async throws {
        let path = try file(checkpoint.job)
        let bytes = checkpoint.json.encoded()
        try await DiskThread.run { () throws(JobError) in try Self.replace(path, with: bytes) }
    }

    private static func replace(_ path: String, with bytes: [UInt8]) throws(JobError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Self.failure("open", temporary) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                throw Self.failure("write", temporary)
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw Self.failure("fsync", temporary)
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw Self.failure("rename", path) }
    }

    public func load(_ job: String) async throws -> JobCheckpoint? {
        let path = try file(job)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try Self.decode(data, path: path)
    }

    public func all() async throws -> [JobCheckpoint] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var checkpoints: [JobCheckpoint] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            checkpoints.append(try Self.decode(data, path: path))
        }
        return checkpoints
    }

    public func remove(_ job: String) async throws {
        let path = try file(job)
        guard unlink(path) == 0 || errno == ENOENT else { throw Self.failure("unlink", path) }
    }

    private func file(_ job: String) throws(JobError) -> String {
        guard JobID.isValid(job) else { throw JobError(.notFound, "'\(job)' is not a job id", field: "job") }
        return directory + "/" + job + ".json"
    }

    private static func decode(_ data: Data, path: String) throws(JobError) -> JobCheckpoint {
        do {
            return try JobCheckpoint(json: try JSONValue.parse(Array(data)))
        } catch let error as JobError {
            throw JobError(.checkpoint, "'\(path)': \(error.message)")
        } catch {
            throw JobError(.checkpoint, "'\(path)' is not JSON: \(error)")
        }
    }

    /// Out of descriptors is `busy`, a limit of the moment, rather than a broken store.
    private static func failure(_ call: String, _ path: String) -> JobError {
        let code: JobError.Code = errno == EMFILE || errno == ENFILE ? .busy : .checkpoint
        return JobError(code, "\(call) '\(path)' failed: \(String(cString: strerror(errno)))")
    }
}

/// Job ids: `j-` and 32 lowercase hex digits, 128 random bits
/// (`j-3f2a9c…`); ids of 6 to 32 digits, as earlier versions made, stay valid.
///
/// A job's id names its default output (`<id>.jsonl`), its checkpoint and its
/// Redis keys, which outlive the daemon's memory of the job and are shared by
/// every instance of a cluster. 24 random bits collided with the files of
/// forgotten jobs within 10,000 jobs; 128 bits make a repeat as unlikely as a
/// UUID's, for the life of the daemon, across restarts and across instances,
/// with no registry of every id ever issued.
public enum JobID {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return "j-" + (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    /// Whether `text` is a job id; only such ids reach file names and Redis keys.
    public static func isValid(_ text: String) -> Bool {
        let hex = text.utf8.dropFirst(2)
        return text.hasPrefix("j-") && (6...32).contains(hex.count)
            && hex.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
