import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A few Lua states of one script generation, each used by one task at a time.
///
/// About one state per core: a Lua call is short CPU work bounded by its
/// budget, so more states than cores would only hold more memory. A caller
/// borrows a state with `withState`; when all are busy it waits (async, in
/// arrival order) for one to come back. States are created lazily with
/// `make`, and a state that ran into its memory cap is replaced on return.
///
/// Invariant behind the `@unchecked Sendable` box: a state is reachable from
/// exactly one place at a time, the idle list (under the mutex) or the one
/// task that borrowed it.
public final class LuaStatePool: Sendable {
    private struct Borrowed: @unchecked Sendable {
        let state: LuaState
    }

    private struct Inner {
        var idle: [Borrowed] = []
        var created = 0
        var waiters: [CheckedContinuation<Borrowed, Never>] = []
    }

    private enum Checkout {
        case ready(Borrowed)
        case make
        case wait
    }

    public let capacity: Int
    private let make: @Sendable () throws(LuaError) -> LuaState
    private let inner = Mutex(Inner())

    /// About one per core, never fewer than two (a reload validates on one).
    public static var defaultCapacity: Int {
        max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// - Parameters:
    ///   - capacity: the most states alive at once.
    ///   - first: a state already built (the one a reload validated), or nil.
    ///   - make: builds one more state (sandbox, functions, scripts).
    public init(
        capacity: Int = LuaStatePool.defaultCapacity, first: consuming sending LuaState? = nil,
        make: @escaping @Sendable () throws(LuaError) -> LuaState
    ) {
        self.capacity = max(1, capacity)
        self.make = make
        if let first {
            let borrowed = Borrowed(state: first)
            inner.withLock {
                $0.idle.append(borrowed)
                $0.created = 1
            }
        }
    }

    /// Runs `body` with a state of this pool, waiting while all are busy.
    /// - Throws: what `body` throws, or a `LuaError` when a new state could
    ///   not be built.
    public func withState<Result>(_ body: (LuaState) throws -> Result) async throws -> Result {
        let borrowed = try await checkout()
        defer { giveBack(borrowed) }
        return try body(borrowed.state)
    }

    /// States alive now (idle or borrowed), for tests and stats.
    public var stateCount: Int { inner.withLock { $0.created } }

    private func checkout() async throws -> Borrowed {
        let step: Checkout = inner.withLock { inner in
            if let ready = inner.idle.popLast() { return .ready(ready) }
            if inner.created < capacity {
                inner.created += 1
                return .make
            }
            return .wait
        }
        switch step {
        case .ready(let borrowed):
            return borrowed
        case .make:
            do {
                return Borrowed(state: try make())
            } catch {
                inner.withLock { $0.created -= 1 }
                throw error
            }
        case .wait:
            return await withCheckedContinuation { continuation in
                let ready: Borrowed? = inner.withLock { inner in
                    if let ready = inner.idle.popLast() { return ready }
                    inner.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private func giveBack(_ borrowed: Borrowed) {
        var back = borrowed
        if borrowed.state.memoryLimitHit, let fresh = try? make() {
            back = Borrowed(state: fresh)
        }
        let waiter: CheckedContinuation<Borrowed, Never>? = inner.withLock { inner in
            if inner.waiters.isEmpty {
                inner.idle.append(back)
                return nil
            }
            return inner.waiters.removeFirst()
        }
        waiter?.resume(returning: back)
    }
}
