import FoundationEssentials
import JSON
import Redis

/// Jobs spread over every instance of a cluster (`job.submit {cluster: true}`):
/// created here into Redis, joined by every instance whose `--cluster-jobs`
/// is on, and watched, paused, resumed, cancelled and read from any instance.
///
/// Registry: `crawld:cjobs` (set) holds the jobs running or paused,
/// `crawld:cjobs:all` every cluster job, `crawld:cjobs:events` (stream) gets
/// an entry at each submit, pause, resume, cancel and end. This instance
/// blocks on that stream (`ClusterWaker`), so it joins a new job (or a job
/// resumed) as soon as it is announced, not at the next poll. Once a second it
/// hands back the pages pending on members whose heartbeat has expired.
public actor ClusterCrawls {
    let redis: RedisConnection
    let waker: ClusterWaker
    let instance: String
    let keyPrefix: String
    /// `--cluster-jobs`: whether this instance takes pages, or only submits and reads.
    let takesPages: Bool
    let environment: JobEnvironment
    let liveInstances: @Sendable () async -> Set<String>?
    private var running: [String: Task<Void, Never>] = [:]
    private var draining = false
    /// Jobs this instance could not join; not tried again.
    private var refused: Set<String> = []
    /// How often members whose heartbeat expired are looked for.
    static let reclaimInterval: Duration = .seconds(1)

    /// - Parameters:
    ///   - redis: the shared connection (claims, commits, status).
    ///   - blocking: a connection of its own for the blocking reads that wake workers.
    public init(
        redis: RedisConnection, blocking: RedisConnection, instance: String, takesPages: Bool, environment: JobEnvironment,
        keyPrefix: String = "crawld", liveInstances: @escaping @Sendable () async -> Set<String>?
    ) {
        self.redis = redis
        waker = ClusterWaker(redis: blocking, control: redis)
        self.instance = instance
        self.keyPrefix = keyPrefix
        self.takesPages = takesPages
        self.environment = environment
        self.liveInstances = liveInstances
    }

    var registry: String { keyPrefix + ":cjobs" }
    var events: String { registry + ":events" }
    var all: String { registry + ":all" }

    func frontier(_ job: String, hashKey: [UInt64]) -> ClusterFrontier {
        ClusterFrontier(redis: redis, keyPrefix: keyPrefix, job: job, instance: instance, hashKey: hashKey)
    }

    // MARK: - Submitting

    /// Stores a new cluster job, queues its seeds and announces it. - Returns: its id.
    public func submit(_ spec: JobSpec) async throws(JobError) -> String {
        guard !draining else { throw JobError(.shuttingDown, "the daemon is draining and takes no new jobs") }
        let job = JobID.make()
        let name = spec.output ?? job
        let probe = try OutputPath(name + "/" + instance + ".jsonl", in: environment.configuration.outputDirectory)
        let output = String(probe.relative.dropLast(instance.count + ".jsonl".count + 1))
        let hashKey = (0..<4).map { _ in UInt64.random(in: .min ... .max) }
        let frontier = frontier(job, hashKey: hashKey)
        var seeds: [ClusterFrontier.Link] = []
        for seed in spec.seeds {
            let polite = await environment.throttle.politeness(origin: seed.origin, host: seed.host)
            seeds.append(.init(url: seed, depth: 0, delay: max(.milliseconds(spec.delayMs), polite.delay), maxConcurrency: polite.maxConcurrency))
        }
        try await JobManager.redis {
            for other in try await redis.command(["SMEMBERS", registry]).array?.compactMap(\.string) ?? [] {
                let theirs = try await redis.command(["HGET", "\(keyPrefix):cj:{\(other)}:meta", "output"]).string
                if theirs == output { throw JobError(.invalidOutput, "'\(output)' is the output of job \(other), which has not ended", field: "output") }
            }
            let parameters = String(decoding: JSONValue.object(spec.parameters).encoded(), as: UTF8.self)
            _ = try await redis.command([
                "HSET", frontier.meta, "state", "running", "max_pages", String(spec.maxPages), "output", output, "spec", parameters,
                "key", hashKey.map { String($0) }.joined(separator: ","), "created", String(Int64(Date().timeIntervalSince1970 * 1000)),
                "identities", identityNames,
            ])
            if let stream = spec.stream { _ = try await redis.command(["HSET", frontier.meta, "stream", stream.stream]) }
            try await frontier.add(seeds)
            _ = try await redis.command(["SADD", all, job])
            _ = try await redis.command(["SADD", registry, job])
            _ = try await redis.command(["XADD", events, "MAXLEN", "~", "64", "*", "job", job])
        }
        return job
    }

    // MARK: - Taking part

    /// Joins every running cluster job (with `--cluster-jobs`) and reclaims
    /// the pages of dead members, until `drain()` or cancellation; then leaves
    /// each job, handing its pending pages back.
    ///
    /// A failed round is logged once (and its recovery once) and waits out
    /// `reclaimInterval` itself: the waker's wait returns at once when its own
    /// connection fails or the task is cancelled, and a daemon whose listener
    /// could not bind (its tasks cancelled, its Redis connection shut down)
    /// spun here, a warning a turn, and never exited.
    public func run() async {
        await waker.watch(events)
        let waking = Task { await waker.run() }
        var lastReclaim = ContinuousClock.now - Self.reclaimInterval
        var failing = false
        while !draining && !Task.isCancelled {
            do {
                let jobs = try await redis.command(["SMEMBERS", registry]).array?.compactMap(\.string).filter(JobID.isValid) ?? []
                if takesPages {
                    for job in jobs where running[job] == nil { await tryJoin(job) }
                }
                if ContinuousClock.now - lastReclaim >= Self.reclaimInterval {
                    lastReclaim = .now
                    try await reclaim(jobs)
                }
                if failing {
                    environment.logger.info("cluster jobs reachable again")
                    failing = false
                }
            } catch {
                if !failing {
                    environment.logger.warning("cluster jobs unreachable; retrying", metadata: ["crawld.error": .string("\(error)")])
                    failing = true
                }
                try? await Task.sleep(for: Self.reclaimInterval)
                continue
            }
            await waker.wait(on: events, upTo: Self.reclaimInterval)
        }
        for task in running.values { await task.value }
        waking.cancel()
        await waking.value
    }

    /// Stops taking pages; `run()` returns once every job here has handed its pending pages back.
    public func drain() async {
        draining = true
        for task in running.values { task.cancel() }
        await waker.unwatch(events)
    }

    /// Joins `job`; one this instance cannot take part in (its output folder refused here, say) is
    /// logged once and left to the others, while a Redis failure is tried again at the next round.
    private func tryJoin(_ job: String) async {
        guard !refused.contains(job) else { return }
        do {
            try await join(job)
        } catch let error as JobError {
            refused.insert(job)
            environment.logger.warning("cannot take part in a cluster job", metadata: ["crawld.job": .string(job), "crawld.error": .string(error.message)])
        } catch {
            environment.logger.info("cluster job not joined yet", metadata: ["crawld.job": .string(job), "crawld.error": .string("\(error)")])
        }
    }

    /// The names of the identities this instance's policies.lua declares, as a JSON array.
    private var identityNames: String {
        String(decoding: JSONValue.array(environment.identities.names.map(JSONValue.string)).encoded(), as: UTF8.self)
    }

    /// Joins `job` unless this instance would send its pages as other identities than its submitter declared.
    ///
    /// A job goes as its submitter's identities on every instance. Only their names travel through Redis;
    /// each instance applies the settings its own policies.lua gives them (their headers and proxies may hold
    /// secrets, which never leave the instance's config), so an instance declaring other names stays out of
    /// the job (logged once) rather than send its pages as something else, or as crawld's own.
    private func join(_ job: String) async throws {
        let fields = try await redis.command(["HMGET", "\(keyPrefix):cj:{\(job)}:meta", "spec", "output", "key", "identities"]).array ?? []
        guard fields.count == 4, let specText = fields[0].string, let output = fields[1].string,
            let hashKey = fields[2].string?.split(separator: ",").compactMap({ UInt64($0) }), hashKey.count == 4,
            let parameters = try? JSONValue.parse(Array(specText.utf8)).objectValue
        else { return }
        if let wanted = fields[3].string, wanted != identityNames {
            throw JobError(.badState, "the job goes as the identities \(wanted), this instance's policies.lua declares \(identityNames)")
        }
        let spec = try JobSpec(parameters: parameters)
        let frontier = frontier(job, hashKey: hashKey)
        let worker = try await ClusterWorker(frontier: frontier, spec: spec, output: output, environment: environment, waker: waker)
        await waker.watch(frontier.base + "wake")
        running[job] = Task {
            let final = await worker.run()
            await self.left(job, frontier)
            if final == JobState.completed.rawValue || final == JobState.cancelled.rawValue, let webhook = spec.webhook {
                await self.notifyDone(job, frontier, webhook)
            }
        }
    }

    private func left(_ job: String, _ frontier: ClusterFrontier) async {
        running[job] = nil
        await waker.unwatch(frontier.base + "wake")
    }

    /// The `done` webhook of a cluster job, sent by one instance: every instance that took part sees the
    /// job end, and the first to mark it in the job's meta (`HSETNX`) is the one that sends it.
    private func notifyDone(_ job: String, _ frontier: ClusterFrontier, _ webhook: WebhookSpec) async {
        guard let webhooks = environment.webhooks else { return }
        do {
            guard try await redis.command(["HSETNX", frontier.meta, "webhook_sent_by", instance]).integer == 1,
                let progress = try await status(job)
            else { return }
            await webhooks.send(job: job, spec: webhook, event: .done, progress: progress.json)
        } catch {
            environment.logger.warning("cluster job's webhook not sent", metadata: ["crawld.job": .string(job), "crawld.error": .string("\(error)")])
        }
    }

    /// Hands back the pages pending on members of `jobs` whose heartbeat has expired.
    private func reclaim(_ jobs: [String]) async throws {
        guard !jobs.isEmpty, let live = await liveInstances() else { return }
        for job in jobs {
            let members = try await redis.command(["HKEYS", "\(keyPrefix):cj:{\(job)}:members"]).array?.compactMap(\.string) ?? []
            for member in members where member != instance && !live.contains(member) {
                let handed =
                    try await ClusterFrontier.scripts.handBack.run(
                        redis, keys: ["\(keyPrefix):cj:{\(job)}:"], arguments: [registry, job, member]
                    ).integer ?? 0
                environment.logger.notice(
                    "pages of a dead instance handed back",
                    metadata: ["crawld.job": .string(job), "crawld.instance": .string(member), "crawld.pages": .stringConvertible(handed)])
            }
        }
    }
}
