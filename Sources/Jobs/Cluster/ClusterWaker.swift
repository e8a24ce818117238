import Redis

/// Wakes this instance's cluster workers when Redis says something changed,
/// through one blocking `XREAD` on a connection of its own (a blocked hiredis
/// connection answers nothing else).
///
/// An entry on a watched stream (the registry's events, each job's `wake`)
/// wakes one worker waiting on it, or, when none waits (all are between a
/// claim and their wait), leaves a token the next one to wait takes at once:
/// a change that lands while a worker's claim is under way is never slept
/// through, and nothing polls. The worker woken claims, and only if it got a
/// page does it `pass` the wakeup on, since one change may free several
/// pages. Waking every idle worker at every entry cost 14 claims per page
/// with 32 workers on one host (Benchmarks/scripts/cluster.sh).
///
/// Waiting for a stored value (robots.txt another instance fetches) goes by
/// generation instead (`waitForEntry`): every entry wakes every such waiter.
///
/// A stream watched while the read blocks joins it at once: `watch` ends the
/// read with `CLIENT UNBLOCK` sent on the shared connection, and the next
/// read names the new stream. Left to the read's own timeout, a job's wakeups
/// waited up to `block` after it started, and every job began with one
/// worker while the rest slept: half of a one-instance cluster job's time on
/// the 1,169-page postgresql-doc-15 manual.
public actor ClusterWaker {
    private struct Waiter {
        let key: String
        let everyEntry: Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private let redis: RedisConnection
    private let control: RedisConnection
    /// Stream key -> last entry id read ("0": from the start, which costs one spurious wake).
    private var streams: [String: String] = [:]
    private var generations: [String: Int] = [:]
    /// Keys with an entry no worker was waiting for.
    private var tokens: Set<String> = []
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiter = 0
    /// How long one `XREAD` blocks, in milliseconds.
    private let block: Int
    /// The blocking connection's client id in Redis while a read blocks on it (for `CLIENT UNBLOCK`), and the
    /// connection generation it was read in: a reconnect gives the connection a new id.
    private var reader: (id: Int64, generation: Int)?
    /// The read under way (each has a number), if any.
    private var reading: Int?
    private var reads = 0

    /// - Parameters:
    ///   - redis: a connection of its own, for the blocking reads; its `ioTimeout` must be longer than `block`,
    ///     or every read ends in an I/O timeout.
    ///   - control: the shared connection, which ends a blocking read when a stream is added.
    ///   - block: how long one read blocks, in milliseconds.
    public init(redis: RedisConnection, control: RedisConnection, block: Int = 500) {
        self.redis = redis
        self.control = control
        self.block = block
    }

    /// Reads `key` from now on; a read blocking meanwhile is ended so that the next one names it.
    public func watch(_ key: String) {
        guard streams[key] == nil else { return }
        streams[key] = "0"
        guard let read = reading, let id = reader?.id else { return }
        Task { await unblock(read, id: id) }
    }

    /// Ends read number `read`; tried again briefly while the read has not reached Redis yet (`CLIENT UNBLOCK`
    /// answers 0 for a client not blocked).
    private func unblock(_ read: Int, id: Int64) async {
        var tries = 0
        while reading == read, tries < 20 {
            guard let unblocked = try? await control.command(["CLIENT", "UNBLOCK", String(id)]).integer, unblocked == 0 else { return }
            tries += 1
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops reading `key` and wakes everyone waiting on it.
    public func unwatch(_ key: String) {
        streams[key] = nil
        tokens.remove(key)
        for (id, waiter) in waiters where waiter.key == key { resume(id) }
    }

    public func generation(of key: String) -> Int { generations[key] ?? 0 }

    /// A worker's wait: returns at the next entry of `key` meant for it (or a token left by one), a `pass`,
    /// after `limit`, or at once when cancelled.
    public func wait(on key: String, upTo limit: Duration) async {
        if tokens.remove(key) != nil { return }
        await suspend(key, everyEntry: false, upTo: limit)
    }

    /// Returns once `key`'s generation passes `after`, or after `limit`, or at once when cancelled.
    public func waitForEntry(on key: String, after: Int, upTo limit: Duration) async {
        guard generation(of: key) <= after else { return }
        await suspend(key, everyEntry: true, upTo: limit)
    }

    /// Wakes the longest waiting worker on `key`: the claim just made found a page, so another may be there.
    public func pass(_ key: String) {
        if let id = waiters.filter({ $0.value.key == key && !$0.value.everyEntry }).keys.min() { resume(id) }
    }

    private func suspend(_ key: String, everyEntry: Bool, upTo limit: Duration) async {
        guard !Task.isCancelled else { return }
        let id = nextWaiter
        nextWaiter += 1
        let timer = Task {
            try? await Task.sleep(for: limit)
            await self.resume(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(key: key, everyEntry: everyEntry, continuation: continuation)
            }
        } onCancel: {
            Task { await self.resume(id) }
        }
        timer.cancel()
    }

    /// Reads the watched streams until cancelled; a Redis error is retried after a pause.
    public func run() async {
        while !Task.isCancelled {
            let keys = streams.keys.sorted()
            guard !keys.isEmpty else {
                try? await Task.sleep(for: .milliseconds(block))
                continue
            }
            do {
                let generation = redis.currentStatus.connectionGeneration
                if reader?.generation != generation, let id = try await redis.command(["CLIENT", "ID"]).integer {
                    reader = (id, generation)
                }
                // A stream watched while `CLIENT ID` was under way is in `streams` now: read the keys again.
                let keys = streams.keys.sorted()
                reads += 1
                reading = reads
                defer { reading = nil }
                let reply = try await redis.command(
                    ["XREAD", "COUNT", "64", "BLOCK", String(block), "STREAMS"] + keys + keys.map { streams[$0] ?? "0" })
                for stream in reply.array ?? [] {
                    guard let parts = stream.array, parts.count == 2, let key = parts[0].string,
                        let last = parts[1].array?.last?.array?.first?.string, streams[key] != nil
                    else { continue }
                    streams[key] = last
                    wake(key)
                }
            } catch {
                try? await Task.sleep(for: .milliseconds(block))
            }
        }
        for id in Array(waiters.keys) { resume(id) }
    }

    private func wake(_ key: String) {
        generations[key, default: 0] += 1
        for (id, waiter) in waiters where waiter.key == key && waiter.everyEntry { resume(id) }
        let workers = waiters.filter { $0.value.key == key && !$0.value.everyEntry }
        if let id = workers.keys.min() {
            resume(id)
        } else {
            tokens.insert(key)
        }
    }

    private func resume(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }
}
