import JSON
import Jobs
import Protocol

/// `job.submit`: queues a crawl job; with `watch`, streams its events and
/// answers with the final summary.
struct JobSubmitOp: Op {
    let name = "job.submit"
    let parameterKeys = JobSpec.keys
    let manager: JobManager
    let slots: WatchSlots

    /// A watched submit takes its watch slot first, so a `busy` refusal
    /// leaves no job behind that the client did not learn the id of.
    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let spec = try JobSpec(parameters: request.parameters.values)
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

/// `job.results {job, offset, limit}`: pages through the JSONL records.
struct JobResultsOp: Op {
    let name = "job.results"
    let parameterKeys: Set<String> = ["job", "offset", "limit"]
    let manager: JobManager

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        let (records, total) = try await manager.results(
            try request.parameters.requiredString("job"),
            offset: try request.parameters.int("offset", in: 0...Int.max) ?? 0,
            limit: try request.parameters.int("limit", in: 1...1000) ?? 100
        )
        return ["records": .array(records), "total": .int(Int64(total))]
    }
}
