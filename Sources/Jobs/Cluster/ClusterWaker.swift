import Redis

/// Wakes this instance's cluster workers when Redis says something changed,
/// through one blocking `XREAD` on a connection of its own.
///
/// Each watched stream (the registry's events, each job's `wake`) has a
/// generation that grows with every entry read. A worker reads the generation
/// before it claims and, finding nothing, waits for a later one: an entry
/// added after its claim ran is read after that, so no wakeup falls between
/// the claim and the wait, and nothing polls. The blocking read lives on its
/// own connection because a blocked hiredis connection answers nothing else.
public actor ClusterWaker {
    private struct Waiter {
        let key: String
        let after: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private let redis: RedisConnection
    /// Stream key -> last entry id read ("0": from the start, which costs one spurious wake).
    private var streams: [String: String] = [:]
    private var generations: [String: Int] = [:]
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiter = 0
    /// How long one `XREAD` blocks: a newly watched stream joins the read within this.
    static let block = 500

    public init(redis: RedisConnection) { self.redis = redis }

    public func watch(_ key: String) {
        if streams[key] == nil { streams[key] = "0" }
    }

    public func unwatch(_ key: String) {
        streams[key] = nil
        wake(key)
    }

    public func generation(of key: String) -> Int { generations[key] ?? 0 }

    /// Returns once `key`'s generation passes `after`, or after `limit`, or at once when cancelled.
    public func wait(on key: String, after: Int, upTo limit: Duration) async {
        guard generation(of: key) <= after, !Task.isCancelled else { return }
        let id = nextWaiter
        nextWaiter += 1
        let timer = Task {
            try? await Task.sleep(for: limit)
            await self.resume(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(key: key, after: after, continuation: continuation)
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
                try? await Task.sleep(for: .milliseconds(Self.block))
                continue
            }
            do {
                let reply = try await redis.command(
                    ["XREAD", "COUNT", "64", "BLOCK", String(Self.block), "STREAMS"] + keys + keys.map { streams[$0] ?? "0" })
                for stream in reply.array ?? [] {
                    guard let parts = stream.array, parts.count == 2, let key = parts[0].string,
                        let last = parts[1].array?.last?.array?.first?.string
                    else { continue }
                    if streams[key] != nil { streams[key] = last }
                    wake(key)
                }
            } catch {
                try? await Task.sleep(for: .milliseconds(Self.block))
            }
        }
        for id in Array(waiters.keys) { resume(id) }
    }

    private func wake(_ key: String) {
        generations[key, default: 0] += 1
        for (id, waiter) in waiters where waiter.key == key { resume(id) }
    }

    private func resume(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }
}
