import Foundation
import JSON
import Logging

/// The daemon's jobs, by id: submit, status, list, cancel, results, watch,
/// resume after a restart, and drain on SIGTERM.
///
/// Jobs run inside `run()`, one child task per job, so the daemon hosts them
/// in its service group: `run()` returns after `drain()` once every job has
/// checkpointed. Cancelling the task of `run()` is the hard stop when the
/// grace period runs out: pages in flight are abandoned and stay pending in
/// each job's last checkpoint.
public actor JobManager {
    private let environment: JobEnvironment
    private var runners: [String: JobRunner] = [:]
    /// Jobs that ended before this process started (read from the store): status and results only.
    private var history: [String: JobCheckpoint] = [:]
    private let starts: AsyncStream<JobRunner>
    private let startContinuation: AsyncStream<JobRunner>.Continuation
    private var draining = false

    public init(environment: JobEnvironment) {
        self.environment = environment
        (starts, startContinuation) = AsyncStream.makeStream(of: JobRunner.self)
    }

    /// Runs every job submitted or resumed, until `drain()` and the last job's end.
    public func run() async {
        let starts = self.starts
        await withTaskGroup(of: Void.self) { group in
            for await runner in starts {
                group.addTask { _ = await runner.run() }
            }
        }
    }

    /// Starts a job, once its first checkpoint is stored: from the moment the
    /// client has the id, a restart resumes the job rather than forgetting it.
    /// - Returns: its id.
    /// - Throws: `invalidOutput` if the output is refused or in use by a running job, `shuttingDown` while
    ///   draining, `checkpoint` if the store refuses the first checkpoint.
    public func submit(_ spec: JobSpec) async throws(JobError) -> String {
        guard !draining else { throw JobError(.shuttingDown, "the daemon is draining and takes no new jobs") }
        var id = JobID.make()
        while runners[id] != nil || history[id] != nil { id = JobID.make() }
        if let path = spec.output {
            let wanted = try OutputPath(path, in: environment.configuration.outputDirectory)
            if runners.values.contains(where: { $0.output == wanted }) {
                throw JobError(.invalidOutput, "'\(path)' is the output of a job that has not ended", field: "output")
            }
        }
        let runner = try JobRunner(id: id, spec: spec, environment: environment)
        runners[id] = runner
        do {
            try await environment.store.save(await runner.checkpoint(state: .queued))
        } catch {
            runners[id] = nil
            throw JobError(.checkpoint, "cannot store the job: \(error)")
        }
        startContinuation.yield(runner)
        return id
    }

    /// Reads the store at startup: unfinished jobs (running, queued or
    /// interrupted when the last process stopped) resume; finished ones are
    /// kept for `job.status`, `job.list` and `job.results`.
    /// - Returns: the ids of the jobs resumed.
    public func restore() async throws -> [String] {
        var resumed: [String] = []
        for checkpoint in try await environment.store.all() where runners[checkpoint.job] == nil {
            if checkpoint.state.isFinal {
                history[checkpoint.job] = checkpoint
                continue
            }
            do {
                let runner = try JobRunner(resuming: checkpoint, environment: environment)
                runners[checkpoint.job] = runner
                startContinuation.yield(runner)
                resumed.append(checkpoint.job)
            } catch {
                var failed = checkpoint
                failed.state = .failed
                failed.progress.state = .failed
                failed.progress.failure = "cannot resume: \(error.message)"
                history[checkpoint.job] = failed
                try? await environment.store.save(failed)
                environment.logger.warning("job cannot resume", metadata: ["crawld.job": .string(checkpoint.job), "crawld.error": .string(error.message)])
            }
        }
        return resumed
    }

    public func status(_ job: String) async throws(JobError) -> JobProgress {
        if let runner = runners[job] { return await runner.status() }
        if let checkpoint = history[job] { return checkpoint.progress }
        throw Self.unknown(job)
    }

    /// Every job's progress, optionally only those in `state`, oldest first by start time.
    public func list(state: JobState? = nil) async -> [JobProgress] {
        var all = history.values.map(\.progress)
        for runner in runners.values { all.append(await runner.status()) }
        return all.filter { state == nil || $0.state == state }
            .sorted { ($0.startedAt ?? .distantFuture, $0.job) < ($1.startedAt ?? .distantFuture, $1.job) }
    }

    /// Cancels a job that has not ended. - Returns: its progress afterwards (cancelled, or its final state).
    public func cancel(_ job: String) async throws(JobError) -> JobProgress {
        guard let runner = runners[job] else {
            if let checkpoint = history[job] { return checkpoint.progress }
            throw Self.unknown(job)
        }
        await runner.cancel()
        return await runner.waitForEnd()
    }

    /// Records `offset ..< offset + limit` of the job's output, and how many it holds.
    public func results(_ job: String, offset: Int, limit: Int) async throws(JobError) -> (records: [JSONValue], total: Int) {
        guard offset >= 0 else { throw JobError(.badRequest, "must be 0 or more", field: "offset") }
        guard (1...1000).contains(limit) else { throw JobError(.badRequest, "must be between 1 and 1000", field: "limit") }
        let window: (path: String, length: UInt64, records: Int)
        if let runner = runners[job] {
            window = await runner.resultsWindow()
        } else if let checkpoint = history[job] {
            let path = try OutputPath(checkpoint.output, in: environment.configuration.outputDirectory)
            window = (path.absolute, checkpoint.outputOffset, checkpoint.records)
        } else {
            throw Self.unknown(job)
        }
        let records = try JSONLReader.records(at: window.path, length: window.length, offset: offset, limit: limit)
        return (records, window.records)
    }

    /// The job's events until it ends; for an ended job, just its summary.
    public func watch(_ job: String, pages: Bool = false) async throws(JobError) -> AsyncStream<JobEvent> {
        if let runner = runners[job] { return await runner.watch(pages: pages) }
        guard let checkpoint = history[job] else { throw Self.unknown(job) }
        return AsyncStream { continuation in
            continuation.yield(.summary(checkpoint.progress))
            continuation.finish()
        }
    }

    /// SIGTERM: takes no new jobs and interrupts every running one; `run()`
    /// returns when each has let its pages in flight finish and checkpointed.
    public func drain() async {
        draining = true
        startContinuation.finish()
        for runner in runners.values { await runner.interrupt() }
    }

    private static func unknown(_ job: String) -> JobError {
        JobError(.notFound, "no job '\(job)'", field: "job")
    }
}
