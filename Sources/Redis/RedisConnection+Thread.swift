import FoundationEssentials
import Logging
import Threads

#if canImport(Glibc)
import Glibc
#endif

/// The connection thread: connect with backoff, batch writes, answer reads.
///
/// Runs entirely on the thread `start()` made. It holds `condition` only to
/// move work in and out of the shared queues; all socket I/O happens with the
/// lock released, so `enqueue` never waits on Redis.
extension RedisConnection {
    /// What one turn of the loop decided, taken out of the shared state under the lock.
    private enum Step {
        case connect
        case send(writes: [[String]], reads: [PendingRead])
        case exit
    }

    /// Starts the connection thread (a detached POSIX thread) running `runLoop()`.
    /// - Returns: false when the system refused to create a thread.
    func startThread() -> Bool {
        (try? DetachedThread.start { [self] in runLoop() }) != nil
    }

    func runLoop() {
        var context: RedisContext?
        var machine = RedisLinkStateMachine(
            minimumBackoff: configuration.minimumBackoff,
            maximumBackoff: configuration.maximumBackoff,
            circuitBreakerThreshold: configuration.circuitBreakerThreshold
        )
        while true {
            switch nextStep(connected: context != nil, machine: machine) {
            case .exit:
                finish()
                return
            case .connect:
                context = connect(machine: &machine)
            case .send(let writes, let reads):
                guard let live = context else { continue }
                if !send(writes: writes, reads: reads, on: live) {
                    context = nil
                    machine.connectionLost(at: .now)
                    condition.lock()
                    status.state = machine.state
                    condition.unlock()
                }
            }
        }
    }

    /// Waits until there is something to do and takes it; holds the lock only while deciding.
    private func nextStep(connected: Bool, machine: RedisLinkStateMachine) -> Step {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let now = ContinuousClock.now
            if connected {
                let due = oldestWriteAt.map { now - $0 >= configuration.batchInterval } ?? false
                if !reads.isEmpty || queue.count >= configuration.batchSize || (due && !queue.isEmpty)
                    || (stopRequested && !queue.isEmpty)
                {
                    let count = min(queue.count, configuration.batchSize)
                    let writes = Array(queue.prefix(count))
                    queue.removeFirst(count)
                    oldestWriteAt = queue.isEmpty ? nil : now
                    // Reads ride along only once every earlier write is on its way.
                    var taken: [PendingRead] = []
                    if queue.isEmpty {
                        taken = reads
                        reads.removeAll()
                    }
                    return .send(writes: writes, reads: taken)
                }
                if stopRequested { return .exit }
                wait(until: oldestWriteAt.map { $0 + configuration.batchInterval })
            } else {
                if stopRequested { return .exit }
                if machine.state == .circuitOpen { failReads(RedisError(.circuitOpen, status.lastError ?? "circuit open")) }
                if machine.shouldAttempt(at: now) { return .connect }
                wait(until: machine.nextAttempt)
            }
        }
    }

    /// Waits on `condition` (held) until signalled or until `deadline`.
    private func wait(until deadline: ContinuousClock.Instant?) {
        guard let deadline else {
            condition.wait()
            return
        }
        let remaining = deadline - .now
        guard remaining > .zero else { return }
        condition.wait(timeout: remaining)
    }

    /// One connect attempt, with the lock released; updates the machine and the status.
    private func connect(machine: inout RedisLinkStateMachine) -> RedisContext? {
        do {
            let made = try RedisContext(configuration: configuration)
            let previous = machine.state
            machine.connectSucceeded()
            condition.lock()
            status.state = .connected
            status.connectionGeneration += 1
            status.consecutiveFailures = 0
            condition.unlock()
            if previous != .connecting {
                logger.info("redis link is back", metadata: ["crawld.redis.endpoint": "\(configuration.endpoint)"])
            }
            return made
        } catch {
            let previous = machine.state
            let delay = machine.connectFailed(at: .now, jitter: Double.random(in: 0...1))
            if previous == .connecting || previous == .connected {
                logger.info(
                    "redis unavailable; serving on and retrying",
                    metadata: ["crawld.redis.endpoint": "\(configuration.endpoint)", "crawld.redis.error": "\(error.message)"]
                )
            } else {
                logger.debug("redis reconnect failed", metadata: ["crawld.redis.retry_in": "\(delay)"])
            }
            condition.lock()
            status.state = machine.state
            status.lastError = error.message
            status.consecutiveFailures = machine.consecutiveFailures
            let code: RedisError.Code = machine.state == .circuitOpen ? .circuitOpen : .notConnected
            failReads(RedisError(code, error.message))
            condition.unlock()
            return nil
        }
    }

    /// Sends one pipeline (writes, then reads) and settles it.
    /// - Returns: false when the link broke; unsent writes go back to the queue's front.
    private func send(writes: [[String]], reads: [PendingRead], on context: RedisContext) -> Bool {
        let (replies, failure) = context.pipeline(writes + reads.map(\.arguments))
        condition.lock()
        defer { condition.unlock() }
        status.roundTrips += 1
        let acknowledged = min(replies.count, writes.count)
        status.sentWrites += acknowledged
        for reply in replies.prefix(acknowledged) {
            if case .error(let message) = reply {
                status.failedWrites += 1
                status.lastError = message
            }
        }
        for (index, read) in reads.enumerated() {
            let replyIndex = writes.count + index
            if replyIndex < replies.count {
                if case .error(let message) = replies[replyIndex] {
                    read.continuation.resume(throwing: RedisError(.serverError, message))
                } else {
                    read.continuation.resume(returning: replies[replyIndex])
                }
            } else {
                read.continuation.resume(throwing: failure ?? RedisError(.connectionLost, "no reply"))
            }
        }
        guard let failure else { return true }
        status.lastError = failure.message
        // Unacknowledged writes go back in front, in order, so they land after the reconnect.
        if acknowledged < writes.count {
            queue.insert(contentsOf: writes[acknowledged...], at: 0)
            oldestWriteAt = .now
            trimQueue()
        }
        logger.info("redis link lost; serving on and retrying", metadata: ["crawld.redis.error": "\(failure.message)"])
        return false
    }

    /// Fails every waiting read; caller holds `condition`.
    private func failReads(_ error: RedisError) {
        for read in reads { read.continuation.resume(throwing: error) }
        reads.removeAll()
    }

    private func finish() {
        condition.lock()
        status.state = .stopped
        failReads(RedisError(.shutdown, "connection shut down"))
        exited = true
        let waiters = exitWaiters
        exitWaiters.removeAll()
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }
}
