import FoundationEssentials
import JSON

/// Everything needed to resume a job exactly where it was: its parameters, the
/// frontier (pending pages and the seen-set), the counters, and the length of
/// its output at that moment.
///
/// A plain JSON value (`json` / `init(json:)`), so the disk store and the
/// Redis store hold the same bytes. The seen-set goes as base64 of its hashes
/// (about 11 bytes per URL) and its key (`seen_key`, 32 hex digits).
public struct JobCheckpoint: Sendable, Equatable {
    public var job: String
    public var state: JobState
    /// The `job.submit` parameters, re-validated by `JobSpec` on resume.
    public var parameters: JSONObject
    /// The output path relative to `--output-dir`.
    public var output: String
    /// Length in bytes of the whole records in the output at checkpoint time.
    public var outputOffset: UInt64
    /// Records in the output at checkpoint time.
    public var records: Int
    /// Pages still to fetch, in breadth-first order (in-flight pages first).
    public var pending: [Frontier.PendingPage]
    public var seen: SeenSet
    /// Pages done, counted against `max_pages`.
    public var completed: Int
    public var progress: JobProgress
    public var savedAt: Date

    public init(
        job: String, state: JobState, parameters: JSONObject, output: String, outputOffset: UInt64, records: Int,
        pending: [Frontier.PendingPage], seen: SeenSet, completed: Int, progress: JobProgress, savedAt: Date
    ) {
        self.job = job
        self.state = state
        self.parameters = parameters
        self.output = output
        self.outputOffset = outputOffset
        self.records = records
        self.pending = pending
        self.seen = seen
        self.completed = completed
        self.progress = progress
        self.savedAt = savedAt
    }

    public var json: JSONValue {
        let pendingJSON = pending.map { JSONValue.array([.string($0.url), .int(Int64($0.depth))]) }
        let checkpoint: JSONObject = [
            "version": 1, "job": .string(job), "state": .string(state.rawValue), "parameters": .object(parameters),
            "output": .string(output), "output_offset": .int(Int64(outputOffset)), "records": .int(Int64(records)),
            "pending": .array(pendingJSON), "seen": .string(seen.encoded), "seen_key": seen.encodedKey.map(JSONValue.string) ?? .null, "completed": .int(Int64(completed)),
            "progress": .object(progress.json), "saved_at": .string(Timestamp.iso8601(savedAt)),
        ]
        return .object(checkpoint)
    }

    /// Reads a checkpoint back. - Throws: `checkpoint` naming the field that is missing or wrong.
    public init(json: JSONValue) throws(JobError) {
        guard let o = json.objectValue, o["version"] == 1 else { throw Self.bad("version", "unsupported or missing") }
        func string(_ key: String) throws(JobError) -> String {
            guard let s = o[key]?.stringValue else { throw Self.bad(key, "missing") }
            return s
        }
        func int(_ key: String) throws(JobError) -> Int {
            guard let i = o[key]?.intValue, i >= 0 else { throw Self.bad(key, "missing") }
            return Int(i)
        }
        job = try string("job")
        guard let state = JobState(rawValue: try string("state")) else { throw Self.bad("state", "unknown") }
        self.state = state
        guard let parameters = o["parameters"]?.objectValue else { throw Self.bad("parameters", "missing") }
        self.parameters = parameters
        output = try string("output")
        outputOffset = UInt64(try int("output_offset"))
        records = try int("records")
        guard let seen = SeenSet(encoded: try string("seen"), key: o["seen_key"]?.stringValue) else {
            throw Self.bad("seen", "not base64 hashes with a 32 hex digit seen_key")
        }
        self.seen = seen
        completed = try int("completed")
        var pending: [Frontier.PendingPage] = []
        for item in o["pending"]?.arrayValue ?? [] {
            guard let pair = item.arrayValue, pair.count == 2, let text = pair[0].stringValue, let url = CrawlURL(text),
                let depth = pair[1].intValue
            else { throw Self.bad("pending", "an entry is not [url, depth]") }
            pending.append(Frontier.PendingPage(url: url.string, depth: Int(depth)))
        }
        self.pending = pending
        guard let progressObject = o["progress"]?.objectValue else { throw Self.bad("progress", "missing") }
        progress = JobProgress(job: job, output: output, restoring: progressObject)
        progress.state = state
        savedAt = Timestamp.parse(try string("saved_at")) ?? Date()
    }

    private static func bad(_ field: String, _ why: String) -> JobError {
        JobError(.checkpoint, "checkpoint field '\(field)': \(why)", field: field)
    }
}

extension JobProgress {
    /// Counters read back from `json` (a checkpoint's copy); missing ones stay zero.
    init(job: String, output: String, restoring o: JSONObject) {
        self.init(job: job, output: output)
        func int(_ key: String) -> Int { o[key]?.intValue.map { Int($0) } ?? 0 }
        total = int("total")
        crawled = int("crawled")
        succeeded = int("succeeded")
        failed = int("failed")
        skipped = int("skipped")
        urlsDropped = int("urls_dropped")
        dataItems = int("data_items")
        errorCount = int("error_count")
        runtimeSeconds = o["runtime_s"]?.doubleValue ?? 0
        startedAt = o["started_at"]?.stringValue.flatMap(Timestamp.parse)
        lastSuccessAt = o["last_success_at"]?.stringValue.flatMap(Timestamp.parse)
        failure = o["failure"]?.stringValue
        stage = o["stage"]?.stringValue ?? stage
        stream = o["stream"]?.objectValue
        sitemaps = o["sitemaps"]?.objectValue.map(SitemapProgress.init(restoring:))
        for (change, count) in o["changes"]?.objectValue ?? [:] { changes[change] = count.intValue.map { Int($0) } ?? 0 }
    }
}
