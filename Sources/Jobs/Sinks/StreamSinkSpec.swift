import JSON

/// `output: {"redis_stream": NAME, "maxlen": N}`: besides the JSONL file, each
/// record goes to a Redis stream (`StreamSink`).
///
/// The JSONL file is always written too: it stays what `job.results` reads and
/// what a resume cuts back to, so a stream-only consumer and a client paging
/// `job.results` see the same records. `output.path` names the file, as a plain
/// string `output` does.
public struct StreamSinkSpec: Sendable, Equatable {
    /// The stream's key.
    public var stream: String
    /// `XADD … MAXLEN ~ N`: the stream is trimmed to about this many entries; nil keeps every entry.
    public var maxLength: Int?

    /// The longest stream name accepted, in bytes.
    public static let maxNameBytes = 256
    /// Keys crawld keeps its own state under: a stream there could clobber a job's checkpoint or the cluster's queue.
    public static let reservedPrefix = "crawld:"

    /// Reads the sink fields of an `output` object (`redis_stream`, `maxlen`); nil when it names no stream.
    /// - Throws: `badRequest` naming `output.redis_stream` or `output.maxlen`.
    static func parse(_ output: JSONObjectReader) throws(JobError) -> StreamSinkSpec? {
        let name: String?
        let maxLength: Int?
        do {
            name = try output.string("redis_stream")
            maxLength = try output.int("maxlen")
        } catch {
            throw JobError(.badRequest, error.message, field: "output.\(error.key)")
        }
        guard let name else {
            if maxLength != nil { throw JobError(.badRequest, "'output.maxlen' needs 'output.redis_stream'", field: "output.maxlen") }
            return nil
        }
        guard !name.isEmpty, name.utf8.count <= maxNameBytes, !name.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
            throw JobError(
                .badRequest, "'output.redis_stream' must be 1 to \(maxNameBytes) bytes without spaces or control characters", field: "output.redis_stream")
        }
        guard !name.hasPrefix(reservedPrefix) else {
            throw JobError(.badRequest, "'output.redis_stream' must not start with '\(reservedPrefix)', where crawld keeps its own keys", field: "output.redis_stream")
        }
        if let maxLength, !(1...1_000_000_000).contains(maxLength) {
            throw JobError(.badRequest, "'output.maxlen' must be between 1 and 1000000000, got \(maxLength)", field: "output.maxlen")
        }
        return StreamSinkSpec(stream: name, maxLength: maxLength)
    }
}
