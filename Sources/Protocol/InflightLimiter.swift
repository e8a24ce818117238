import Synchronization

/// An async counting semaphore: the per-connection cap on requests in flight.
///
/// The connection loop acquires a slot before it pulls the next line, so at
/// the cap it stops pulling, NIO's inbound buffer fills, and the socket stops
/// being read: backpressure, not errors (protocol.md, Framing).
final class InflightLimiter: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextWaiter = 0
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: limit))
    }

    /// Takes a slot if one is free, without waiting.
    /// - Returns: false when every slot is taken; the caller then sends what
    ///   it has gathered before it waits in `acquire()`.
    func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
    }

    /// Takes a slot, waiting while none is free. Returns early, without a
    /// slot, when the task is cancelled; the caller checks cancellation.
    func acquire() async {
        let waiterID: Int? = state.withLock { state in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let waiterID else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.waiters.append((waiterID, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume()
        }
    }

    /// Gives a slot back, handing it straight to the oldest waiter if any.
    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume()
    }
}
