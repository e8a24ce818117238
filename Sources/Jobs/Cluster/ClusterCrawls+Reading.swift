import FoundationEssentials
import JSON
import Redis

#if canImport(Glibc)
import Glibc
#endif

extension ClusterCrawls {
    // MARK: - Status and control

    /// The job's progress with each instance's pages (`instances`), or nil when `job` is no cluster job.
    public func status(_ job: String) async throws(JobError) -> JobProgress? {
        guard JobID.isValid(job) else { return nil }
        let base = "\(keyPrefix):cj:{\(job)}:"
        return try await JobManager.redis {
            let meta = try await redis.command(["HGETALL", base + "meta"]).fieldValues ?? [:]
            guard let stateText = meta["state"], let output = meta["output"] else { return nil }
            let by = try await redis.command(["HGETALL", base + "by"]).fieldValues ?? [:]
            return Self.progress(job, meta: meta, state: stateText, output: output, by: by)
        }
    }

    /// Every cluster job's progress.
    public func list() async throws(JobError) -> [JobProgress] {
        let jobs = try await JobManager.redis { try await redis.command(["SMEMBERS", all]).array?.compactMap(\.string) ?? [] }
        var result: [JobProgress] = []
        for job in jobs.sorted() {
            if let progress = try await status(job) {
                result.append(progress)
            } else {
                // Its keys expired: the job leaves the list.
                _ = try? await redis.command(["SREM", all, job])
            }
        }
        return result
    }

    /// Pauses (`paused`), resumes (`running`) or cancels (`cancelled`) a cluster job; nil when there is none.
    /// Pausing keeps the frontier exactly: pages in flight finish and are recorded, nothing else is claimed.
    public func control(_ job: String, to state: String) async throws(JobError) -> JobProgress? {
        guard let before = try await status(job) else { return nil }
        if before.state.isFinal { return before }
        let base = "\(keyPrefix):cj:{\(job)}:"
        _ = try await JobManager.redis {
            try await ClusterFrontier.scripts.control.run(redis, keys: [base], arguments: [registry, job, state])
        }
        return try await status(job)
    }

    static func progress(_ job: String, meta: [String: String], state: String, output: String, by: [String: String]) -> JobProgress {
        func count(_ key: String) -> Int { meta[key].flatMap { Int($0) } ?? 0 }
        func date(_ key: String) -> Date? { meta[key].flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0 / 1000) } }
        var progress = JobProgress(job: job, output: output)
        progress.state = JobState(rawValue: state) ?? .failed
        progress.stage = progress.state == .running ? "crawling" : (progress.state == .paused ? "paused" : "done")
        progress.total = min(count("max_pages"), count("admitted"))
        progress.crawled = count("crawled")
        progress.succeeded = count("succeeded")
        progress.failed = count("failed")
        progress.skipped = count("skipped")
        progress.urlsDropped = count("dropped")
        progress.dataItems = count("data_items")
        progress.errorCount = count("errors")
        progress.startedAt = date("created")
        progress.lastSuccessAt = date("last_success_at")
        let end = date("ended_at") ?? Date()
        progress.runtimeSeconds = progress.startedAt.map { end.timeIntervalSince($0) } ?? 0
        progress.instances = by.compactMapValues { Int($0) }
        if let stream = meta["stream"] {
            var sink: JSONObject = ["name": .string(stream), "published": .int(Int64(count("stream_published")))]
            if let error = meta["stream_error"] { sink["error"] = .string(error) }
            progress.stream = sink
        }
        return progress
    }

    // MARK: - Results

    /// Records `offset..<offset + limit` in commit order (stable: the order never changes once a record counts),
    /// read from the instances' part files under this instance's `--output-dir` (a shared volume); nil when `job`
    /// is no cluster job.
    public func results(_ job: String, offset: Int, limit: Int, maxBytes: Int) async throws(JobError) -> ResultsPage? {
        guard try await status(job) != nil else { return nil }
        let base = "\(keyPrefix):cj:{\(job)}:"
        let (output, total, entries) = try await JobManager.redis {
            let output = try await redis.command(["HGET", base + "meta", "output"]).string ?? job
            let total = Int(try await redis.command(["LLEN", base + "log"]).integer ?? 0)
            let entries = try await redis.command(["LRANGE", base + "log", String(offset), String(offset + limit - 1)]).array?.compactMap(\.string) ?? []
            return (output, total, entries)
        }
        var records: [JSONValue] = []
        var bytes = 0
        var files: [String: Int32] = [:]
        defer { for fd in files.values { close(fd) } }
        for entry in entries {
            let fields = entry.split(separator: "|")
            guard fields.count == 3, let start = Int(fields[1]), let end = Int(fields[2]), end > start else {
                throw JobError(.checkpoint, "job \(job): a log entry is not 'part|start|end'")
            }
            let part = String(fields[0])
            if files[part] == nil {
                let path = try OutputPath(output + "/" + part, in: environment.configuration.outputDirectory, creating: false)
                let fd = open(path.absolute, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    throw JobError(.notFound, "'\(output)/\(part)' is not under this instance's --output-dir; cluster jobs need a shared volume to read", field: "job")
                }
                files[part] = fd
            }
            if !records.isEmpty, bytes + (end - start) > maxBytes - JobManager.resultsLimits.envelope { break }
            guard let line = FileRange.read(files[part]!, offset: UInt64(start), length: end - start),
                let record = try? JSONValue.parse(Array(line.dropLast()))
            else {
                throw JobError(.checkpoint, "job \(job): '\(output)/\(part)' is shorter than its committed records")
            }
            records.append(record)
            bytes += end - start
        }
        let next = offset + records.count
        return ResultsPage(records: records, total: total, next: next < total ? ResultsCursor(.init(record: next, byte: 0)) : nil)
    }
}

extension ClusterCrawls {
    /// A cluster job's `progress` events, each time its counters change (read every `progressInterval`), then its summary.
    nonisolated func watch(_ job: String) -> AsyncStream<JobEvent> {
        let interval = environment.configuration.progressInterval
        return AsyncStream { continuation in
            let task = Task {
                var last: JobProgress?
                while !Task.isCancelled {
                    if let progress = try? await self.status(job) {
                        if progress.state.isFinal {
                            continuation.yield(.summary(progress))
                            break
                        }
                        var counters = progress
                        counters.runtimeSeconds = last?.runtimeSeconds ?? 0
                        if counters != last { continuation.yield(.progress(progress)) }
                        last = counters
                    }
                    try? await Task.sleep(for: interval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
