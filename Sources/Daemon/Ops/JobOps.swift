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
    let slots: WatchSlots
    /// policies.lua's `jobs.cluster`, for a request that leaves `cluster` out.
    let clusterDefault: @Sendable () -> Bool

    /// A watched submit takes its watch slot first, so a `busy` refusal
    /// leaves no job behind that the client did not learn the id of.
    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        var spec = try JobSpec(parameters: try await manager.recrawlParameters(request.parameters.values))
        if request.parameters.values["cluster"] == nil { spec.cluster = clusterDefault() }
        try limits.check(config: spec.config)
        let pages: Bool
        switch spec.watch {
        case .none: return ["job": .string(try await manager.submit(spec))]
        case .progress: pages = false
        case .pages: pages = true
        }
        return try await slots.withSlot(for: context.session) {
            let job = try await manager.submit(spec)
            return try await JobWatch.stream(try await manager.watch(job, pages: pages), to: context.events)
        }
    }
}

/// `job.watch {job, pages}`: events until the job ends, then the summary.
struct JobWatchOp: Op {
    let name = "job.watch"
    let parameterKeys: Set<String> = ["job", "pages"]
    let manager: JobManager
    let slots: WatchSlots

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let job = try request.parameters.requiredString("job")
        let pages = try request.parameters.bool("pages") ?? false
        return try await slots.withSlot(for: context.session) {
            try await JobWatch.stream(try await manager.watch(job, pages: pages), to: context.events)
        }
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

/// `job.pause {job}` / `job.resume {job}`: a cluster job stops taking pages, its frontier kept exactly, or goes on.
struct JobPauseOp: Op {
    let name: String
    let parameterKeys: Set<String> = ["job"]
    let manager: JobManager
    let pause: Bool

    init(manager: JobManager, pause: Bool) {
        self.manager = manager
        self.pause = pause
        name = pause ? "job.pause" : "job.resume"
    }

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        try await manager.setPaused(try request.parameters.requiredString("job"), pause).json
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
