import FoundationEssentials
import JSON
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Drives one job: hands pages from its frontier to `concurrency` workers,
/// writes each page's record, follows links, checkpoints, and streams events.
///
/// Invariant that makes resume exact: a page leaves the frontier's in-flight
/// set in the same actor turn as its record is appended and its links are
/// queued. A checkpoint taken at any turn therefore lists every page without a
/// record below `outputOffset` as pending, and every page with one as done.
///
/// Stopping: `cancel()` ends the job as `cancelled`; `interrupt()` (SIGTERM)
/// checkpoints and ends it as `interrupted`, and so does cancelling the task
/// that runs `run()`. Either way every wait (politeness, a retry's backoff,
/// the global page cap) ends at once and pages in flight are abandoned: the
/// checkpoint lists them as pending, so a resume fetches them again. Stopping
/// therefore takes as long as a fetch needs to see its cancellation, never a
/// site's crawl-delay or a client's `delay_ms`.
public actor JobRunner {
    enum Stop: Equatable {
        case cancel
        case interrupt
        case fail(String)
        /// Another instance took the job over: stop at once and write nothing more.
        case movedAway
    }

    public nonisolated let id: String
    public nonisolated let spec: JobSpec
    public nonisolated let output: OutputPath
    let environment: JobEnvironment
    /// This job's own fetcher (`PageFetcher.forJob`), with what it keeps between pages.
    let fetcher: any PageFetcher
    let robots: RobotsCache
    let retryPlanner: RetryPlanner
    var frontier: Frontier
    var writer: JSONLWriter
    /// `output.redis_stream`'s sink, fed after each checkpoint; nil without one.
    let sink: StreamSink?
    /// When the last `progress` webhook went out.
    var lastWebhookProgress: ContinuousClock.Instant?
    var progress: JobProgress
    var stop: Stop?
    var work: Task<Void, Never>?
    var waiters: [CheckedContinuation<Void, Never>] = []
    var watchers: [Int: (continuation: AsyncStream<JobEvent>.Continuation, pages: Bool)] = [:]
    var nextWatcher = 0
    var lastProgressEvent: ContinuousClock.Instant?
    var runStarted: ContinuousClock.Instant?
    var runtimeBefore: Double
    var pagesSinceCheckpoint = 0
    var lastCheckpoint = ContinuousClock.now
    var checkpointSaving = false
    /// Set once `run()` has finished (or the job was cancelled before it ran).
    var ended = false
    var endWaiters: [CheckedContinuation<JobProgress, Never>] = []
    var logger: Logger
    /// Whether the run ended because another instance took the job over.
    public private(set) var movedAway = false

    /// A new job: checks the output path and creates the file (refusing an
    /// existing one unless `overwrite`), and queues the seeds at depth 0.
    public init(id: String, spec: JobSpec, environment: JobEnvironment) throws(JobError) {
        let output = try OutputPath(spec.output ?? "\(id).jsonl", in: environment.configuration.outputDirectory)
        let writer = try JSONLWriter.create(at: output, overwrite: spec.overwrite)
        let configuration = environment.configuration
        var frontier = Frontier(
            maxPages: spec.maxPages, maxDepth: spec.maxDepth, maxQueued: configuration.maxFrontier, margin: configuration.frontierMargin)
        for seed in spec.seeds { frontier.add(seed, depth: 0) }
        var progress = JobProgress(job: id, output: output.relative)
        progress.urlsDropped = frontier.dropped
        progress.total = min(spec.maxPages, frontier.queuedCount)
        self.init(id: id, spec: spec, output: output, writer: writer, frontier: frontier, progress: progress, environment: environment)
    }

    /// A job resumed from its checkpoint: the output is cut back to the
    /// checkpoint's length and the pending pages are queued again.
    public init(resuming checkpoint: JobCheckpoint, environment: JobEnvironment) throws(JobError) {
        guard !checkpoint.state.isFinal else {
            throw JobError(.badState, "job \(checkpoint.job) is \(checkpoint.state.rawValue); only unfinished jobs resume")
        }
        let spec = try JobSpec(parameters: checkpoint.parameters)
        let output = try OutputPath(checkpoint.output, in: environment.configuration.outputDirectory)
        if checkpoint.outputOffset == 0, checkpoint.progress.startedAt == nil, !spec.overwrite {
            // A job that never ran, read by an instance other than the one it was
            // submitted to: on a disk of its own, its output may be someone's file.
            var info = stat()
            if stat(output.absolute, &info) == 0, info.st_size > 0 {
                throw JobError(.invalidOutput, "'\(output.relative)' exists on this instance; pass overwrite: true to replace it", field: "output")
            }
        }
        let writer = try JSONLWriter.resume(at: output, offset: checkpoint.outputOffset, records: checkpoint.records)
        let configuration = environment.configuration
        let frontier = Frontier(
            maxPages: spec.maxPages, maxDepth: spec.maxDepth, maxQueued: configuration.maxFrontier, margin: configuration.frontierMargin,
            pending: checkpoint.pending, seen: checkpoint.seen, completed: checkpoint.completed)
        var progress = checkpoint.progress
        progress.state = .queued
        progress.stage = "queued"
        self.init(id: checkpoint.job, spec: spec, output: output, writer: writer, frontier: frontier, progress: progress, environment: environment)
    }

    private init(
        id: String, spec: JobSpec, output: OutputPath, writer: JSONLWriter, frontier: Frontier, progress: JobProgress,
        environment: JobEnvironment
    ) {
        self.id = id
        self.spec = spec
        self.output = output
        self.writer = writer
        self.frontier = frontier
        self.environment = environment
        self.fetcher = environment.fetcher.forJob()
        self.sink = spec.stream.flatMap { stream in environment.redis.map { StreamSink(redis: $0, spec: stream, job: id) } }
        self.robots = RobotsCache(
            fetcher: environment.fetcher, matching: environment.matching, userAgent: environment.configuration.userAgent,
            unreachableRetry: environment.configuration.robotsUnreachableRetry)
        self.retryPlanner = RetryPlanner(
            policy: environment.retry, maxRetries: spec.maxRetries, maxRetryAfter: environment.configuration.maxRetryAfter)
        self.progress = progress
        self.runtimeBefore = progress.runtimeSeconds
        var logger = environment.logger
        logger[metadataKey: "crawld.job"] = .string(id)
        self.logger = logger
    }

    // MARK: - Control

    /// Runs the job to its end and returns its final progress.
    ///
    /// Cancelling the calling task is a hard stop: pages in flight are
    /// abandoned and stay pending in the checkpoint; the job ends `interrupted`.
    public func run() async -> JobProgress {
        guard !ended else { return progress }
        guard stop == nil else { return await finish() }
        if spec.stream != nil, sink == nil { stop = .fail("'output.redis_stream' needs Redis (--redis)") }
        progress.state = .running
        progress.stage = "crawling"
        progress.startedAt = progress.startedAt ?? Date()
        runStarted = .now
        logger.info("job started", metadata: ["crawld.job.output": .string(output.relative)])
        await saveCheckpoint(state: .running)
        guard stop == nil else { return await finish() }
        let workers = spec.concurrency
        let work = Task {
            let previous = await self.openPreviousOutput()
            await self.readSitemaps()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers { group.addTask { await self.workerLoop(previous: previous) } }
            }
        }
        self.work = work
        await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
            Task { await self.wakeWaiters() }
        }
        if Task.isCancelled, stop == nil { stop = .interrupt }
        return await finish()
    }

    /// Ends the job as `cancelled`, abandoning pages in flight; `run()` then
    /// returns. A job cancelled before it ran ends at once.
    public func cancel() async {
        guard !ended else { return }
        if stop == nil || stop == .interrupt { stop = .cancel }
        guard stop == .cancel else { return }
        if let work {
            work.cancel()
            wakeWaiters()
        } else if progress.state != .running {
            _ = await finish()
        }
    }

    /// Stops the job for a restart: waits end, pages in flight are abandoned
    /// (pending in the checkpoint), and `run()` returns as `interrupted`.
    public func interrupt() {
        guard stop == nil, !ended else { return }
        stop = .interrupt
        progress.stage = "stopping"
        work?.cancel()
        wakeWaiters()
    }

    /// The final progress, once the job has ended.
    public func waitForEnd() async -> JobProgress {
        if ended { return progress }
        return await withCheckedContinuation { endWaiters.append($0) }
    }

    /// The progress now.
    public func status() -> JobProgress {
        var p = progress
        if let runStarted, p.state == .running {
            p.runtimeSeconds = runtimeBefore + (ContinuousClock.now - runStarted).seconds
        }
        return p
    }

    /// Where `job.results` reads: the file, its length in whole records, and the record count.
    public func resultsWindow() -> (path: String, length: UInt64, records: Int) {
        (writer.path, writer.offset, writer.records)
    }

    /// A stream of this job's events: a `progress` now, then `progress` (at most
    /// every `progressInterval`) and `page` events if `pages`, then the summary.
    /// A watcher more than 4096 events behind loses the oldest ones, never the
    /// summary, so a slow client cannot make the job hold memory without bound.
    public func watch(pages: Bool) -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(4096))
        if ended {
            continuation.yield(.summary(status()))
            continuation.finish()
            return stream
        }
        let key = nextWatcher
        nextWatcher += 1
        watchers[key] = (continuation, pages)
        continuation.onTermination = { _ in Task { await self.removeWatcher(key) } }
        continuation.yield(.progress(status()))
        return stream
    }

    private func removeWatcher(_ key: Int) { watchers[key] = nil }

    /// Ends the run: final state, final checkpoint, summary to every watcher.
    private func finish() async -> JobProgress {
        let state: JobState
        switch stop {
        case .cancel?: state = .cancelled
        case .interrupt?: state = .interrupted
        case .fail(let why)?:
            state = .failed
            progress.failure = why
        case .movedAway?: state = .interrupted
        case nil: state = .completed
        }
        if let runStarted { runtimeBefore += (ContinuousClock.now - runStarted).seconds }
        runStarted = nil
        progress.runtimeSeconds = runtimeBefore
        progress.stage = "done"
        progress.currentURL = nil
        if stop == .movedAway {
            movedAway = true
            progress.state = state
        } else {
            // The state turns final only once the final checkpoint is stored and the stream sink has appended
            // what it covers, so a client that reads `completed` also reads every record published.
            await saveCheckpoint(state: state)
            progress.state = state
            await notifyWebhook(ended: state)
        }
        // What outlives the run is the summary: no descriptor, no frontier.
        writer.close()
        frontier = Frontier(maxPages: spec.maxPages, maxDepth: spec.maxDepth)
        logger.info("job ended", metadata: ["crawld.job.state": .string(state.rawValue), "crawld.job.pages": .stringConvertible(progress.crawled)])
        for watcher in watchers.values {
            watcher.continuation.yield(.summary(progress))
            watcher.continuation.finish()
        }
        watchers = [:]
        work = nil
        ended = true
        for waiter in endWaiters { waiter.resume(returning: progress) }
        endWaiters = []
        return progress
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
