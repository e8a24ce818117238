import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pages that may hold a parsed tree at once, process-wide: the pages
/// being parsed or extracted, not the pages waiting for a thread to do it.
///
/// Why: a page's libxml2 tree is many times its body, and a crawl job keeps
/// 16 fetches in flight. Parsing each body the moment it arrived left up to
/// 16 trees alive, most of them waiting for one of the few Lua states
/// (`LuaStatePool`, about one per core) to run extract.lua on them, and the
/// two largest pages of python3.11-doc (trees of about 20 and 14 MB) were
/// parsed side by side: the trees were most of a job's peak RSS
/// (docs/benchmarks.md, "a job's peak RSS with the shipped extraction").
///
/// Only a thread can work on a tree: a cooperative thread parses (one per
/// core) and a script thread extracts (one per core, at least two), so
/// `defaultCapacity` gives each of them a page and no more. Each page also
/// weighs its estimated tree (`RequestMemoryBudget.cost`), and the pages
/// inside weigh at most `bytes` together (8 MiB a place), except that a
/// page heavier than that goes in alone once the gate is empty: it is parsed,
/// never refused here (refusing is `RequestMemoryBudget`'s job). A page that
/// does not fit waits with its body only, in arrival order (a heavy page is
/// not overtaken forever by light ones), and its wait ends with
/// `CancellationError` when its task is cancelled (a job cancelled or drained).
public final class TreeGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let weight: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held = 0
        var weight = 0
        var nextID: UInt64 = 0
        var waiters: [Waiter] = []

        /// Whether a page of `weight` may go in now, ahead of no one.
        func fits(_ weight: Int, capacity: Int, bytes: Int) -> Bool {
            held == 0 || (held < capacity && weight <= bytes - self.weight)
        }

        mutating func admit(_ weight: Int) {
            held += 1
            self.weight += weight
        }
    }

    /// Pages that may hold a tree at once.
    public let capacity: Int
    /// Estimated tree bytes the pages inside may weigh together.
    public let bytes: Int
    private let state = Mutex(State())

    /// The cooperative pool's threads (one per core) and the script threads
    /// (one per core, at least two).
    public static var defaultCapacity: Int {
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return cores + max(2, cores)
    }

    /// Estimated tree bytes a place stands for by default.
    public static let bytesPerPlace = 8 << 20

    public init(capacity: Int = TreeGate.defaultCapacity, bytes: Int? = nil) {
        self.capacity = max(1, capacity)
        self.bytes = max(1, bytes ?? self.capacity * Self.bytesPerPlace)
    }

    /// Pages inside now, and their weight (for tests and stats).
    public var inside: (pages: Int, weight: Int) { state.withLock { ($0.held, $0.weight) } }

    /// Pages waiting for a place now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Goes in with `weight`, waiting in arrival order while it does not fit.
    /// - Throws: `CancellationError` when the task is cancelled while it waits.
    public func enter(weight: Int) async throws {
        let id: UInt64? = state.withLock { state in
            guard !state.waiters.isEmpty || !state.fits(weight, capacity: capacity, bytes: bytes) else {
                state.admit(weight)
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Under the lock with onCancel's removal: a cancellation either finds
                // the waiter queued or is seen here before it is.
                let cancelled = state.withLock { state in
                    if Task.isCancelled { return true }
                    state.waiters.append(Waiter(id: id, weight: weight, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                // A place may have come free between the first look and the queueing.
                admitWaiters()
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
            // The longest waiter may have been held back behind this one.
            admitWaiters()
        }
    }

    /// Goes in with `weight` when there is one (a page that parses a tree).
    /// - Returns: what to give back to `leave(_:)`: the weight, or nil.
    public func enter(holding weight: Int?) async throws -> Int? {
        guard let weight else { return nil }
        try await enter(weight: weight)
        return weight
    }

    /// Gives back what `enter(holding:)` returned, once: `held` becomes nil.
    public func leave(_ held: inout Int?) {
        guard let weight = held else { return }
        held = nil
        leave(weight: weight)
    }

    /// Leaves, giving `weight` back (the weight it went in with), and lets in
    /// the waiters that fit now, in arrival order.
    public func leave(weight: Int) {
        state.withLock { state in
            state.held -= 1
            state.weight -= weight
        }
        admitWaiters()
    }

    private func admitWaiters() {
        let admitted: [Waiter] = state.withLock { state in
            var admitted: [Waiter] = []
            while let first = state.waiters.first, state.fits(first.weight, capacity: capacity, bytes: bytes) {
                state.admit(first.weight)
                admitted.append(state.waiters.removeFirst())
            }
            return admitted
        }
        for waiter in admitted { waiter.continuation.resume() }
    }
}
