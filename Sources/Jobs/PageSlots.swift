/// The global cap on pages in flight across all jobs: a FIFO counting semaphore
/// whose waits end when the waiting task is cancelled.
public actor PageSlots {
    public let limit: Int
    private var inUse = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextWaiter = 0

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Waits for a free slot.
    /// - Throws: `CancellationError` when the task is cancelled before a slot was handed to it; no slot is held then.
    public func acquire() async throws {
        if inUse < limit {
            inUse += 1
            return
        }
        let id = nextWaiter
        nextWaiter += 1
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.withdraw(id) }
        }
        guard granted else { throw CancellationError() }
    }

    /// Frees a slot, handing it straight to the first waiter if there is one.
    public func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    public var inFlight: Int { inUse }

    /// Tasks waiting for a slot.
    public var waiting: Int { waiters.count }

    private func withdraw(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}
