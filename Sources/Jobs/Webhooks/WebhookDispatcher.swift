import FoundationEssentials
import JSON
import Logging

/// Delivers every job's webhook events: signed POSTs, retried with
/// exponential backoff, never in the way of a crawl.
///
/// A job only enqueues (`send`); deliveries run as child tasks of `run()`,
/// which the `JobManager` hosts. Each event is tried at most
/// `Settings.attempts` times, each attempt bounded by `Settings.timeout`, with
/// `firstBackoff`, doubling, between them; a 2xx answer delivers it. A job
/// never waits for any of this, so a receiver that fails or hangs costs the
/// crawl nothing. `progress` events are sent at most once per
/// `progressInterval` per job (the runner's side) and only when the job's
/// previous one is no longer being delivered, so one slow receiver holds at
/// most one progress delivery per job; `done` and `failed` are always queued.
/// Delivery is at least once while the instance runs: the receiver dedupes
/// by `X-Crawld-Delivery`, which stays the same across an event's attempts.
public actor WebhookDispatcher {
    public struct Settings: Sendable {
        public var attempts = 5
        public var firstBackoff: Duration = .seconds(1)
        public var maxBackoff: Duration = .seconds(60)
        public var timeout: Duration = .seconds(10)
        /// The least time between two `progress` events of one job.
        public var progressInterval: Duration = .seconds(5)
        /// Jobs whose delivery counts are remembered; the oldest are forgotten first.
        public var keepJobs = 1000

        public init() {}
    }

    struct Delivery: Sendable {
        let job: String
        let spec: WebhookSpec
        let event: WebhookSpec.Event
        let id: String
        let body: [UInt8]
    }

    public nonisolated let settings: Settings
    private let transport: any WebhookTransport
    private let logger: Logger
    private var statuses: [String: WebhookStatus] = [:]
    private var order: [String] = []
    private var sequence = 0
    private var progressInFlight: Set<String> = []
    private var draining = false
    private let queue: AsyncStream<Delivery>
    private let enqueue: AsyncStream<Delivery>.Continuation

    public init(transport: any WebhookTransport, settings: Settings = Settings(), logger: Logger) {
        self.transport = transport
        self.settings = settings
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(of: Delivery.self)
    }

    /// Delivers what is sent until `drain()`.
    public func run() async {
        let queue = self.queue
        await withDiscardingTaskGroup { group in
            for await delivery in queue {
                group.addTask { await self.deliver(delivery) }
            }
        }
    }

    /// Stops taking events; deliveries under way make their current attempt and retry no more.
    public func drain() {
        draining = true
        enqueue.finish()
    }

    /// Checks a webhook's URL at submit (`--deny-private`).
    public nonisolated func check(_ spec: WebhookSpec) async throws(JobError) {
        try await transport.check(spec.url)
    }

    /// Queues `event` of `job` with `progress` as its payload, if the webhook asks for that event.
    public func send(job: String, spec: WebhookSpec, event: WebhookSpec.Event, progress: JSONObject) {
        guard spec.events.contains(event), !draining else { return }
        var status = statuses[job] ?? WebhookStatus(url: spec.displayURL)
        if statuses[job] == nil { remember(job) }
        if event == .progress {
            guard !progressInFlight.contains(job) else {
                status.skipped += 1
                statuses[job] = status
                return
            }
            progressInFlight.insert(job)
        }
        sequence += 1
        status.pending += 1
        statuses[job] = status
        let payload: JSONObject = [
            "event": .string(event.rawValue), "job": .string(job), "sent_at": .string(Timestamp.iso8601(Date())), "progress": .object(progress),
        ]
        enqueue.yield(Delivery(job: job, spec: spec, event: event, id: "\(job)-\(event.rawValue)-\(sequence)", body: JSONValue.object(payload).encoded()))
    }

    /// What `job.status` shows under `webhook`; nil for a job without one (or forgotten).
    public func status(_ job: String) -> WebhookStatus? { statuses[job] }

    // MARK: - Delivering

    private func deliver(_ delivery: Delivery) async {
        var headers = [("Content-Type", "application/json"), ("X-Crawld-Event", delivery.event.rawValue), ("X-Crawld-Delivery", delivery.id)]
        var backoff = settings.firstBackoff
        for attempt in 1...settings.attempts {
            if let secret = delivery.spec.secret {
                let now = Int(Date().timeIntervalSince1970)
                headers.removeAll { $0.0 == WebhookSignature.header }
                headers.append((WebhookSignature.header, WebhookSignature.value(secret: secret, timestamp: now, body: delivery.body)))
            }
            let outcome: Result<Int, JobError>
            do {
                outcome = .success(try await transport.post(delivery.spec.url, body: delivery.body, headers: headers, timeout: settings.timeout))
            } catch {
                outcome = .failure(error)
            }
            let delivered = record(delivery, outcome)
            if delivered { return finished(delivery, delivered: true) }
            guard attempt < settings.attempts, !draining, !Task.isCancelled else { break }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, settings.maxBackoff)
        }
        finished(delivery, delivered: false)
    }

    /// Counts one attempt. - Returns: whether it delivered the event.
    private func record(_ delivery: Delivery, _ outcome: Result<Int, JobError>) -> Bool {
        var status = statuses[delivery.job] ?? WebhookStatus(url: delivery.spec.displayURL)
        status.attempts += 1
        status.lastEvent = delivery.event.rawValue
        status.lastAttemptAt = Date()
        var delivered = false
        switch outcome {
        case .success(let code):
            status.lastStatus = code
            delivered = (200..<300).contains(code)
            status.lastError = delivered ? nil : "HTTP \(code)"
        case .failure(let error):
            status.lastError = error.message
        }
        statuses[delivery.job] = status
        if !delivered {
            logger.info(
                "webhook attempt failed",
                metadata: ["crawld.job": .string(delivery.job), "crawld.webhook.event": .string(delivery.event.rawValue), "crawld.error": .string(status.lastError ?? "")])
        }
        return delivered
    }

    private func finished(_ delivery: Delivery, delivered: Bool) {
        if delivery.event == .progress { progressInFlight.remove(delivery.job) }
        guard var status = statuses[delivery.job] else { return }
        status.pending -= 1
        if delivered { status.delivered += 1 } else { status.failed += 1 }
        statuses[delivery.job] = status
    }

    private func remember(_ job: String) {
        order.append(job)
        guard order.count > settings.keepJobs else { return }
        let forgotten = order.removeFirst()
        statuses[forgotten] = nil
    }
}
