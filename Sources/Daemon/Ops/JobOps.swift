import Crawl
import JSON
import Jobs
import Protocol

/// `job.submit`: queues a crawl job; with `watch`, streams its events and
/// answers with the final summary. A config asking for more than the
/// operator's body ceiling is refused here, not on each of its pages.
struct JobSubmitOp: Op {
    let name = "job.submit"
    let parameterKeys = JobSpec.keys
    let manager: JobManager
    let limits: CrawlLimits

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let spec = try JobSpec(parameters: request.parameters.values)
        try limits.check(config: spec.config)
        let job = try await manager.submit(spec)
        switch spec.watch {
        case .none: return ["job": .string(job)]
        case .progress: return try await JobWatch.stream(try await manager.watch(job, pages: false), to: context.events)
        case .pages: return try await JobWatch.stream(try await manager.watch(job, pages: true), to: context.events)
        }
    }
}

/// `job.watch {job, pages}`: events until the job ends, then the summary.
struct JobWatchOp: Op {
    let name = "job.watch"
    let parameterKeys: Set<String> = ["job", "pages"]
    let manager: JobManager

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let stream = try await manager.watch(try request.parameters.requiredString("job"), pages: try request.parameters.bool("pages") ?? false)
        return try await JobWatch.stream(stream, to: context.events)
    }
}

/// `job.status {job}`: state and progress.
struct JobStatusOp: Op {
    let name = "job.status"
    let parameterKeys: Set<String> = ["job"]
    let manager: JobManager

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try await manager.status(try request.parameters.requiredString("job")).json
    }
}

/// `job.cancel {job}`: stops the job; answers its final state.
struct JobCancelOp: Op {
    let name = "job.cancel"
    let parameterKeys: Set<String> = ["job"]
    let manager: JobManager

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try await manager.cancel(try request.parameters.requiredString("job")).json
    }
}

/// `job.list {state}`: every job's state and progress.
struct JobListOp: Op {
    let name = "job.list"
    let parameterKeys: Set<String> = ["state"]
    let manager: JobManager

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        var state: JobState?
        if let text = try request.parameters.string("state") {
            guard let known = JobState(rawValue: text) else {
                throw ProtocolError(.badRequest, "unknown state '\(text)' (known: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            state = known
        }
        return ["jobs": .array(try await manager.list(state: state).map { .object($0.json) })]
    }
}

/// `job.results {job, offset | cursor, limit, max_bytes}`: pages through the
/// JSONL records, at most `limit` records and `max_bytes` bytes of answer;
/// `next` is the cursor of the following page (null at the last record so far).
struct JobResultsOp: Op {
    let name = "job.results"
    let parameterKeys: Set<String> = ["job", "offset", "cursor", "limit", "max_bytes"]
    let manager: JobManager

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let parameters = request.parameters
        let offset = try parameters.int("offset", in: 0...Int.max)
        let cursor = try parameters.string("cursor").map(ResultsCursor.init(parsing:))
        guard offset == nil || cursor == nil else { throw ProtocolError(.badRequest, "give offset or cursor, not both") }
        let limits = JobManager.resultsLimits
        let page = try await manager.results(
            try parameters.requiredString("job"), offset: offset ?? 0, cursor: cursor,
            limit: try parameters.int("limit", in: limits.records) ?? 100,
            maxBytes: try parameters.int("max_bytes", in: limits.maxBytes) ?? 1 << 20)
        return ["records": .array(page.records), "total": .int(Int64(page.total)), "next": page.next.map { .string($0.description) } ?? .null]
    }
}

/// Streams a job's events as event lines; the summary becomes the answer.
enum JobWatch {
    static func stream(_ events: AsyncStream<JobEvent>, to sink: EventSink) async throws -> JSONObject {
        var last: JSONObject = [:]
        for await event in events {
            switch event {
            case .summary(let progress):
                return progress.json
            case .progress(let progress):
                last = progress.json
                try await sink.send("progress", progress.json)
            case .page(let job, let record):
                try await sink.send("page", ["job": .string(job), "record": record.json])
            }
        }
        return last
    }
}
