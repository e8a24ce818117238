import FoundationEssentials
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
///
/// With a `JobCluster` (crawld with Redis) jobs are the cluster's: submitted
/// through its queue, run by whichever instance reads them, and visible from
/// every instance (`JobManager+Cluster.swift`). Without one (`--redis none`)
/// they are this process's, checkpointed to disk.
public actor JobManager {
    let environment: JobEnvironment
    let cluster: JobCluster?
    /// The runners of jobs that have not ended; a runner leaves at its end, for `history`.
    var runners: [String: JobRunner] = [:]
    /// Jobs running here now.
    var active: Set<String> = []
    /// The queue entry of each job this instance read from the cluster's stream.
    var deliveries: [String: String] = [:]
    /// Jobs that have ended (here, or before this process started): status and
    /// results only, bounded by `--jobs-keep` and `--jobs-keep-age`. In a
    /// cluster the cluster's summaries answer for them, and this is only what
    /// `job.status` answers while Redis is away.
    var history: [String: FinishedJob] = [:]
    private let starts: AsyncStream<JobRunner>
    let startContinuation: AsyncStream<JobRunner>.Continuation
    var draining = false

    public init(environment: JobEnvironment, cluster: JobCluster? = nil) {
        self.environment = environment
        self.cluster = cluster
        (starts, startContinuation) = AsyncStream.makeStream(of: JobRunner.self)
    }

    /// Runs every job submitted or resumed (and, in a cluster, read from the
    /// queue), until `drain()` and the last job's end.
    ///
    /// A discarding group: a plain task group keeps each finished child task
    /// (its 8 KiB stack slab and task-local storage, about 9 KiB) until
    /// `next()` collects it, and nothing here waits for one job in particular,
    /// so every job the daemon ever ran stayed in memory.
    public func run() async {
        let starts = self.starts
        await withDiscardingTaskGroup { group in
            if let cluster {
                group.addTask { await self.pollQueue(cluster) }
            }
            if let crawls = cluster?.crawls {
                group.addTask { await crawls.run() }
            }
            if let webhooks = environment.webhooks {
                group.addTask { await webhooks.run() }
            }
            for await runner in starts {
                group.addTask {
                    let final = await runner.run()
                    await self.ended(runner, final)
                }
            }
        }
    }

    /// Starts a job, once its first checkpoint is stored: from the moment the
    /// client has the id, a restart resumes the job rather than forgetting it.
    /// - Returns: its id.
    /// - Throws: `invalidOutput` if the output is refused or is the file of a job that has not ended (however
    ///   the path is spelt), `busy` at `--max-running-jobs` or out of file descriptors, `shuttingDown` while
    ///   draining, `checkpoint` if the store refuses the first checkpoint.
    public func submit(_ spec: JobSpec) async throws(JobError) -> String {
        var spec = spec
        guard !draining else { throw JobError(.shuttingDown, "the daemon is draining and takes no new jobs") }
        try await checkOutputs(spec)
        if spec.cluster {
            guard let crawls = cluster?.crawls else { throw JobError(.badRequest, "cluster jobs need Redis (--redis)", field: "cluster") }
            return try await crawls.submit(spec)
        }
        var id = JobID.make()
        while runners[id] != nil || history[id] != nil { id = JobID.make() }
        if let path = spec.output {
            let wanted = try OutputPath(path, in: environment.configuration.outputDirectory)
            if let holder = runners.values.first(where: { $0.output.absolute == wanted.absolute }) {
                throw JobError(.invalidOutput, "'\(path)' is the output of job \(holder.id), which has not ended", field: "output")
            }
        }
        if let cluster { return try await submit(spec, id: id, to: cluster) }
        let limit = environment.configuration.maxRunningJobs
        guard active.count < limit else {
            throw JobError(.busy, "\(active.count) jobs are running, the most --max-running-jobs allows (\(limit)); retry when one ends")
        }
        await forgetOld()
        try movePreviousOutput(&spec)
        if let previous = spec.previousOutput {
            _ = try OutputPath(previous, in: environment.configuration.outputDirectory, creating: false)
        }
        let runner = try JobRunner(id: id, spec: spec, environment: environment)
        runners[id] = runner
        active.insert(id)
        do {
            try await environment.store.save(await runner.checkpoint(state: .queued))
        } catch {
            runners[id] = nil
            active.remove(id)
            if let error = error as? JobError, error.code == .busy { throw error }
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
        // A cluster's jobs come back through the queue: this instance's own pending entries.
        guard cluster == nil else { return [] }
        var resumed: [String] = []
        for checkpoint in try await environment.store.all() where runners[checkpoint.job] == nil {
            if checkpoint.state.isFinal {
                history[checkpoint.job] = FinishedJob(checkpoint)
                continue
            }
            do {
                let runner = try JobRunner(resuming: checkpoint, environment: environment)
                runners[checkpoint.job] = runner
                active.insert(checkpoint.job)
                startContinuation.yield(runner)
                resumed.append(checkpoint.job)
            } catch {
                var failed = checkpoint
                failed.state = .failed
                failed.progress.state = .failed
                failed.progress.failure = "cannot resume: \(error.message)"
                failed.savedAt = Date()
                history[checkpoint.job] = FinishedJob(failed)
                try? await environment.store.save(failed)
                environment.logger.warning("job cannot resume", metadata: ["crawld.job": .string(checkpoint.job), "crawld.error": .string(error.message)])
            }
        }
        await forgetOld()
        return resumed
    }

    public func status(_ job: String) async throws(JobError) -> JobProgress {
        var progress = try await storedStatus(job)
        progress.webhook = await environment.webhooks?.status(job)?.json
        // A stored progress predates the append that follows its checkpoint, so Redis's count is the current one;
        // a running job's own progress is, since the runner sets it after each append.
        if runners[job] == nil, progress.stream != nil, progress.instances == nil, let redis = environment.redis,
            let published = await StreamSink.published(job: job, redis: redis)
        {
            progress.stream?["published"] = .int(published)
        }
        return progress
    }

    private func storedStatus(_ job: String) async throws(JobError) -> JobProgress {
        if let runner = runners[job] { return await localStatus(runner) }
        if let finished = finished(job) { return finished.progress }
        if let progress = try await cluster?.crawls?.status(job) { return progress }
        do {
            if let summary = try await clusterSummary(job) { return summary.progress }
        } catch {
            // Redis away: what this instance saw at the end of the job's run here.
            guard let finished = history[job] else { throw error }
            return finished.progress
        }
        throw Self.unknown(job)
    }

    /// Every job's progress (the cluster's, with Redis), optionally only those in `state`, oldest first by start time.
    public func list(state: JobState? = nil) async throws(JobError) -> [JobProgress] {
        await forgetOld()
        var all = cluster == nil ? history.values.map(\.progress) : []
        for runner in runners.values { all.append(await localStatus(runner)) }
        all += try await clusterSummaries().map(\.progress).filter { runners[$0.job] == nil }
        all += try await cluster?.crawls?.list() ?? []
        return all.filter { state == nil || $0.state == state }
            .sorted { ($0.startedAt ?? .distantFuture, $0.job) < ($1.startedAt ?? .distantFuture, $1.job) }
    }

    /// Cancels a job that has not ended. - Returns: its progress afterwards (cancelled, or its final state).
    public func cancel(_ job: String) async throws(JobError) -> JobProgress {
        guard let runner = runners[job] else {
            if let finished = finished(job) { return finished.progress }
            if let progress = try await cluster?.crawls?.control(job, to: "cancelled") { return progress }
            return try await cancelElsewhere(job)
        }
        await runner.cancel()
        return await runner.waitForEnd()
    }

    /// The job's events until it ends; for an ended job, just its summary.
    public func watch(_ job: String, pages: Bool = false) async throws(JobError) -> AsyncStream<JobEvent> {
        if let runner = runners[job] { return await runner.watch(pages: pages) }
        if let crawls = cluster?.crawls, try await crawls.status(job) != nil { return crawls.watch(job) }
        if cluster != nil, try await clusterSummary(job) != nil { return follow(job, pages: pages) }
        guard let finished = finished(job) else { throw Self.unknown(job) }
        return AsyncStream { continuation in
            continuation.yield(.summary(finished.progress))
            continuation.finish()
        }
    }

    /// SIGTERM: takes no new jobs and interrupts every running one; `run()`
    /// returns when each has stopped its waits and fetches and checkpointed.
    public func drain() async {
        draining = true
        startContinuation.finish()
        await cluster?.crawls?.drain()
        for runner in runners.values { await runner.interrupt() }
        await environment.webhooks?.drain()
    }

    /// `job.pause` / `job.resume` of a cluster job: no page is claimed while
    /// paused, and the frontier waits in Redis exactly as it was. A job of one
    /// instance cannot pause (it can be cancelled, or interrupted and resumed by a restart).
    public func setPaused(_ job: String, _ paused: Bool) async throws(JobError) -> JobProgress {
        if let progress = try await cluster?.crawls?.control(job, to: paused ? "paused" : "running") { return progress }
        let elsewhere = try await clusterSummary(job) != nil
        if runners[job] != nil || finished(job) != nil || elsewhere {
            throw JobError(.badState, "job \(job) is not a cluster job; only cluster jobs pause and resume")
        }
        throw Self.unknown(job)
    }

    /// What a submit can check of its sinks before the job exists: the stream needs Redis, the webhook's
    /// address must pass `--deny-private`, and a cluster job's webhook sends no `progress`.
    private func checkOutputs(_ spec: JobSpec) async throws(JobError) {
        if spec.stream != nil {
            guard environment.redis != nil else { throw JobError(.badRequest, "'output.redis_stream' needs Redis (--redis)", field: "output.redis_stream") }
        }
        if let webhook = spec.webhook {
            guard !spec.cluster || !webhook.events.contains(.progress) else {
                throw JobError(.badRequest, "a cluster job's webhook sends 'done' only; 'progress' is not offered for it", field: "webhook.events")
            }
            guard let webhooks = environment.webhooks else { throw JobError(.badRequest, "this daemon delivers no webhooks", field: "webhook") }
            try await webhooks.check(webhook)
        }
    }

    static func unknown(_ job: String) -> JobError {
        JobError(.notFound, "no job '\(job)'", field: "job")
    }
}
