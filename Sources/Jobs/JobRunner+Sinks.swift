import JSON

extension JobRunner {
    // MARK: - Redis stream

    /// Appends to the stream the records the checkpoint just saved covers (`StreamSink`).
    /// A stream another writer holds fails the job: it could no longer go on exactly once.
    func publish(to sink: StreamSink, length: UInt64) async {
        do {
            progress.stream = try await sink.publish(path: writer.path, length: length).json
        } catch {
            progress.stream = await sink.status.json
            guard case .conflict(let why) = error, stop == nil || stop == .interrupt else { return }
            logger.warning("stream sink stopped", metadata: ["crawld.error": .string(why)])
            stop = .fail(why)
            work?.cancel()
            wakeWaiters()
        }
    }

    // MARK: - Webhooks

    /// `done` for a job completed or cancelled, `failed` for a failed one; an interrupted job sends nothing (it resumes).
    func notifyWebhook(ended state: JobState) async {
        guard let webhook = spec.webhook, let webhooks = environment.webhooks else { return }
        let event: WebhookSpec.Event
        switch state {
        case .completed, .cancelled: event = .done
        case .failed: event = .failed
        default: return
        }
        await webhooks.send(job: id, spec: webhook, event: event, progress: progress.json)
    }

    /// A `progress` event, at most once per `WebhookDispatcher.Settings.progressInterval`.
    func notifyWebhookProgressIfDue() async {
        guard let webhook = spec.webhook, webhook.events.contains(.progress), let webhooks = environment.webhooks else { return }
        let now = ContinuousClock.now
        if let last = lastWebhookProgress, now - last < webhooks.settings.progressInterval { return }
        lastWebhookProgress = now
        await webhooks.send(job: id, spec: webhook, event: .progress, progress: status().json)
    }
}
