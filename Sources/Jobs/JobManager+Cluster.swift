import FoundationEssentials
import JSON
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// How a manager takes part in a cluster of instances that share one Redis.
public struct JobCluster: Sendable {
    public var queue: JobQueue
    /// The ids of the instances whose heartbeat is alive, or nil when that is unknown (Redis away):
    /// then nothing is claimed.
    public var liveInstances: @Sendable () async -> Set<String>?
    /// How often the queue is read for new jobs.
    public var pollInterval: Duration = .milliseconds(250)
    /// How often jobs of dead instances are looked for.
    public var claimInterval: Duration = .seconds(1)
    /// Most jobs this instance runs at once; past it, new jobs wait in the queue for another instance.
    public var maxRunningJobs = 8
    /// Jobs spread over every instance (`cluster: true`); nil when this manager has none.
    public var crawls: ClusterCrawls?

    public init(queue: JobQueue, liveInstances: @escaping @Sendable () async -> Set<String>?) {
        self.queue = queue
        self.liveInstances = liveInstances
    }

    var store: RedisCheckpointStore { queue.store }
}

extension JobManager {
    // MARK: - Submitting and reading the queue

    /// A new job for the cluster: its output file is created here (so a bad
    /// path or an existing file is refused now), its queued checkpoint stored
    /// and the job queued, in one script; whichever instance reads it runs it.
    func submit(_ spec: JobSpec, id: String, to cluster: JobCluster) async throws(JobError) -> String {
        let wanted = try OutputPath(spec.output ?? "\(id).jsonl", in: environment.configuration.outputDirectory)
        let busy = try await clusterSummaries().first { !$0.progress.state.isFinal && $0.progress.output == wanted.relative }
        if let busy {
            throw JobError(.invalidOutput, "'\(wanted.relative)' is the output of job \(busy.progress.job), which has not ended", field: "output")
        }
        var checkpoint = await (try JobRunner(id: id, spec: spec, environment: environment)).checkpoint(state: .queued)
        // Ids are random: one that some job of the cluster already has is drawn again.
        for _ in 0..<8 {
            do {
                try await Self.redis { try await cluster.queue.submit(checkpoint) }
                return checkpoint.job
            } catch  where error.code == .badState {
                checkpoint.job = JobID.make()
                checkpoint.progress.job = checkpoint.job
            }
        }
        throw JobError(.checkpoint, "no free job id found")
    }

    /// Reads the queue until the drain: first this instance's own pending
    /// entries (jobs it ran before a restart), then new jobs while it has room,
    /// and every `claimInterval` the jobs of instances whose heartbeat expired.
    /// Redis being away is logged once and retried; the daemon serves on.
    func pollQueue(_ cluster: JobCluster) async {
        var ownRead = false
        var lastClaim = ContinuousClock.now
        var failing = false
        while !draining && !Task.isCancelled {
            do {
                if !ownRead {
                    try await cluster.queue.prepare()
                    for delivery in try await cluster.queue.read(own: true, count: 1000) { await adopt(delivery, cluster) }
                    ownRead = true
                }
                let room = cluster.maxRunningJobs - active.count
                if room > 0, !draining {
                    for delivery in try await cluster.queue.read(own: false, count: room) { await adopt(delivery, cluster) }
                }
                if ContinuousClock.now - lastClaim >= cluster.claimInterval, active.count < cluster.maxRunningJobs, !draining {
                    lastClaim = .now
                    if let live = await cluster.liveInstances() {
                        let claimed = try await cluster.queue.claimOrphans(live: live) { job in await self.outputIsHere(job, cluster) }
                        for delivery in claimed { await adopt(delivery, cluster, claimed: true) }
                    }
                }
                if failing {
                    environment.logger.info("job queue reachable again")
                    failing = false
                }
            } catch {
                if !failing {
                    environment.logger.warning("job queue unreachable; retrying", metadata: ["crawld.error": .string("\(error)")])
                    failing = true
                }
            }
            try? await Task.sleep(for: cluster.pollInterval)
        }
    }

    /// Starts the job of a queue entry here, from its stored checkpoint; an
    /// entry whose job has ended (or is gone) is acknowledged instead.
    private func adopt(_ delivery: JobQueue.Delivery, _ cluster: JobCluster, claimed: Bool = false) async {
        let logger = environment.logger
        let job = delivery.job
        if active.contains(job) { return }
        do {
            guard let checkpoint = try await cluster.store.load(job), !checkpoint.state.isFinal else {
                try await cluster.queue.ack(delivery.entry)
                return
            }
            guard !draining else { return }
            do {
                let runner = try JobRunner(resuming: checkpoint, environment: environment)
                runners[job] = runner
                active.insert(job)
                deliveries[job] = delivery.entry
                startContinuation.yield(runner)
                let how = claimed ? "claimed from a dead instance" : (checkpoint.progress.startedAt == nil ? "taken from the queue" : "resuming")
                logger.notice("job \(how)", metadata: ["crawld.job": .string(job)])
            } catch {
                var failed = checkpoint
                failed.state = .failed
                failed.progress.state = .failed
                failed.progress.failure = "cannot run on instance '\(cluster.store.instance)': \(error.message)"
                try await cluster.store.save(failed)
                try await cluster.queue.ack(delivery.entry)
                logger.warning("job cannot run here", metadata: ["crawld.job": .string(job), "crawld.error": .string(error.message)])
            }
        } catch {
            logger.warning("job not adopted; it stays queued", metadata: ["crawld.job": .string(job), "crawld.error": .string("\(error)")])
        }
    }

    /// A job claimed from another instance resumes only where its output can be read back to its checkpoint.
    private func outputIsHere(_ job: String, _ cluster: JobCluster) async -> Bool {
        guard let summary = try? await cluster.store.summary(job) else { return false }
        if summary.outputOffset == 0 { return true }
        guard let path = try? OutputPath(summary.progress.output, in: environment.configuration.outputDirectory, creating: false) else { return false }
        var info = stat()
        let here = stat(path.absolute, &info) == 0 && UInt64(info.st_size) >= summary.outputOffset
        if !here {
            environment.logger.info(
                "job of a dead instance left for an instance that shares its --output-dir",
                metadata: ["crawld.job": .string(job), "crawld.output": .string(summary.progress.output)])
        }
        return here
    }

    /// A runner's end: the runner goes (closing its output, dropping its
    /// frontier) and its summary stays in `history`. In a
    /// cluster, a job that ended for good leaves the queue; an interrupted one
    /// stays pending with this instance, to resume at the next start or be
    /// claimed by another instance; the cluster's summaries answer for both.
    func ended(_ runner: JobRunner, _ final: JobProgress) async {
        active.remove(runner.id)
        let window = await runner.resultsWindow()
        var summary = final
        summary.instance = cluster?.store.instance
        // In one turn, so the job is always found in one of the two.
        runners[runner.id] = nil
        history[runner.id] = FinishedJob(progress: summary, outputOffset: window.length, records: window.records, endedAt: Date())
        await forgetOld()
        guard let cluster, let entry = deliveries[runner.id] else { return }
        if await runner.movedAway {
            deliveries[runner.id] = nil
            return
        }
        guard final.state.isFinal else { return }
        do {
            try await cluster.queue.ack(entry)
            deliveries[runner.id] = nil
        } catch {
            environment.logger.warning("queue entry not acknowledged; it is at the next start", metadata: ["crawld.job": .string(runner.id)])
        }
    }

    // MARK: - Seeing the cluster's jobs

    /// A local runner's progress, naming this instance when in a cluster.
    func localStatus(_ runner: JobRunner) async -> JobProgress {
        var progress = await runner.status()
        progress.instance = cluster?.store.instance
        return progress
    }

    func clusterSummary(_ job: String) async throws(JobError) -> JobSummary? {
        guard let cluster, JobID.isValid(job) else { return nil }
        guard var summary = try await Self.redis({ try await cluster.store.summary(job) }) else { return nil }
        summary.progress.instance = summary.owner
        return summary
    }

    func clusterSummaries() async throws(JobError) -> [JobSummary] {
        guard let cluster else { return [] }
        return try await Self.redis { try await cluster.store.summaries() }.map { summary in
            var summary = summary
            summary.progress.instance = summary.owner
            return summary
        }
    }

    /// The output window of a job run elsewhere, read from this instance's
    /// `--output-dir` when the file is there (a shared volume).
    func localWindow(_ summary: JobSummary) throws(JobError) -> (path: String, length: UInt64, records: Int) {
        let path = try OutputPath(summary.progress.output, in: environment.configuration.outputDirectory, creating: false)
        var info = stat()
        guard stat(path.absolute, &info) == 0, UInt64(info.st_size) >= summary.outputOffset else {
            let holder = summary.owner.map { "instance '\($0)'" } ?? "the instance that ran it"
            throw JobError(.notFound, "the output of job \(summary.progress.job) is on \(holder); ask it for job.results", field: "job")
        }
        return (path.absolute, summary.outputOffset, summary.records)
    }

    /// Cancels a job not running here: one still waiting in the queue ends
    /// as cancelled; one running on another instance must be cancelled there.
    func cancelElsewhere(_ job: String) async throws(JobError) -> JobProgress {
        guard let cluster, let summary = try await clusterSummary(job) else { throw Self.unknown(job) }
        if summary.progress.state.isFinal { return summary.progress }
        if let owner = summary.owner {
            throw JobError(.badState, "job \(job) runs on instance '\(owner)'; send job.cancel to it")
        }
        return try await Self.redis {
            guard var checkpoint = try await cluster.store.load(job) else { throw Self.unknown(job) }
            checkpoint.state = .cancelled
            checkpoint.progress.state = .cancelled
            checkpoint.progress.stage = "done"
            checkpoint.pending = []
            do {
                try await cluster.store.save(checkpoint, owner: "")
            } catch let error as JobError where error.code == .movedAway {
                throw JobError(.badState, "job \(job) has started meanwhile: \(error.message); send job.cancel to it")
            }
            return checkpoint.progress
        }
    }

    /// Events of a job running on another instance (or not yet read from the
    /// queue): its stored progress every `progressInterval` while it changes,
    /// then the summary; handed over to the runner's own events if the job
    /// starts here meanwhile. The task lives as long as the watcher's stream.
    func follow(_ job: String, pages: Bool) -> AsyncStream<JobEvent> {
        let interval = environment.configuration.progressInterval
        return AsyncStream { continuation in
            let task = Task {
                var last: JobProgress?
                while !Task.isCancelled {
                    if let runner = self.runners[job] {
                        for await event in await runner.watch(pages: pages) { continuation.yield(event) }
                        break
                    }
                    if let summary = try? await self.clusterSummary(job) {
                        if summary.progress.state.isFinal {
                            continuation.yield(.summary(summary.progress))
                            break
                        }
                        if summary.progress != last {
                            continuation.yield(.progress(summary.progress))
                            last = summary.progress
                        }
                    }
                    try? await Task.sleep(for: interval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Runs a Redis call; errors other than `JobError` become `unavailable`.
    nonisolated(nonsending) static func redis<T>(_ body: () async throws -> T) async throws(JobError) -> T {
        do {
            return try await body()
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError(.unavailable, "Redis, which holds the cluster's jobs, is unavailable: \(error); retry later")
        }
    }
}
