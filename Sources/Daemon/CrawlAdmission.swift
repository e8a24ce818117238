import Protocol
import Synchronization

/// The ceilings on crawls (HTTP fetches and browser renders) in flight:
/// daemon-wide, and per client (a peer address, whatever its number of
/// connections).
///
/// Why: every crawl holds sockets until its site answers or its deadline
/// passes, so a client with many connections crawling a site that accepts
/// and never answers took crawld to its file-descriptor limit, and then
/// every other client's crawls, jobs, checkpoints and outputs failed. The
/// daemon-wide ceiling is derived from the descriptor limit
/// (`DescriptorBudget`); the per-client one keeps one client from taking
/// all of it.
///
/// Past a ceiling a `crawl` waits up to `patience` for a slot (a slot given
/// back goes at once to the oldest waiter its own client's ceiling allows, so
/// a free slot never sits beside a waiter that fits), then is answered
/// `busy`. A job's crawl counts daemon-wide only and waits
/// as long as it takes: jobs already pace themselves, and a job that got
/// `busy` for a page would only retry it.
final class CrawlAdmission: Sendable {
    struct Limits: Sendable {
        /// Crawls in flight at once, over every client and job.
        var total: Int
        /// Crawls in flight at once from one peer address.
        var perClient: Int
        /// How long a `crawl` past a ceiling waits for a slot before `busy`.
        var patience: Duration
    }

    private struct Waiter {
        let id: Int
        let client: String?
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var total = 0
        var perClient: [String: Int] = [:]
        var waiters: [Waiter] = []
        var nextWaiter = 0

        func fits(_ client: String?, _ limits: Limits) -> Bool {
            total < limits.total && (client.map { perClient[$0, default: 0] < limits.perClient } ?? true)
        }

        mutating func take(_ client: String?) {
            total += 1
            if let client { perClient[client, default: 0] += 1 }
        }
    }

    let limits: Limits
    private let state = Mutex(State())

    init(limits: Limits) {
        self.limits = limits
    }

    /// Runs `body` holding a slot.
    /// - Parameters:
    ///   - client: the peer address of a `crawl`'s connection; nil for a job's crawl.
    ///   - patience: the longest wait for a slot; nil waits until one is free.
    /// - Throws: `ProtocolError(.busy)` when no slot came within `patience`,
    ///   `CancellationError` when the task was cancelled while waiting, or
    ///   what `body` throws.
    func withSlot<Result: Sendable>(client: String?, patience: Duration?, _ body: () async throws -> Result) async throws -> Result {
        guard await acquire(client: client, patience: patience) else {
            try Task.checkCancellation()
            throw busy(client)
        }
        defer { release(client) }
        return try await body()
    }

    /// Crawls waiting for a slot now.
    var waiting: Int { state.withLock { $0.waiters.count } }

    private func acquire(client: String?, patience: Duration?) async -> Bool {
        let waiterID: Int? = state.withLock { state in
            if state.fits(client, limits) {
                state.take(client)
                return nil
            }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let waiterID else { return true }
        let expiry = patience.map { patience in
            Task {
                try? await Task.sleep(for: patience)
                self.expire(waiterID)
            }
        }
        defer { expiry?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now: Bool? = state.withLock { state in
                    if Task.isCancelled { return false }
                    if state.fits(client, limits) {
                        state.take(client)
                        return true
                    }
                    state.waiters.append(Waiter(id: waiterID, client: client, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            expire(waiterID)
        }
    }

    /// Gives a slot back and hands free slots to the waiters that fit, oldest first.
    private func release(_ client: String?) {
        let admitted: [Waiter] = state.withLock { state in
            state.total -= 1
            if let client {
                let left = state.perClient[client, default: 1] - 1
                state.perClient[client] = left > 0 ? left : nil
            }
            var admitted: [Waiter] = []
            var index = 0
            while index < state.waiters.count, state.total < limits.total {
                let waiter = state.waiters[index]
                if state.fits(waiter.client, limits) {
                    state.take(waiter.client)
                    admitted.append(state.waiters.remove(at: index))
                } else {
                    index += 1
                }
            }
            return admitted
        }
        for waiter in admitted { waiter.continuation.resume(returning: true) }
    }

    /// Ends a wait without a slot (its patience ran out, or its task was cancelled).
    private func expire(_ waiterID: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }

    private func busy(_ client: String?) -> ProtocolError {
        let (total, mine) = state.withLock { state in (state.total, client.map { state.perClient[$0, default: 0] } ?? 0) }
        if let client, mine >= limits.perClient {
            return ProtocolError(.busy, "\(mine) crawls of this client (\(client)) are in flight, its ceiling (--max-crawls-per-client); try again later")
        }
        return ProtocolError(.busy, "\(total) crawls are in flight, crawld's ceiling (--max-crawls-in-flight); try again later")
    }
}
