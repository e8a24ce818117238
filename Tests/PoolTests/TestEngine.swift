import Pool
import Synchronization

/// A gate a test opens to let engine starts finish, so "slow start" is a
/// state, not a timing.
final class StartGate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    var waiting: Int { state.withLock { $0.waiting.count } }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

struct StartFailure: Error, CustomStringConvertible {
    var description: String { "test engine refused to start" }
}

/// An engine with no I/O that records what the pool did to it.
final class TestEngine: PooledEngine {
    let kind: String
    let gate: StartGate?
    let fails: Bool
    private let state = Mutex<(starts: Int, closes: Int, sick: Bool)>((0, 0, false))

    init(kind: String = "http", gate: StartGate? = nil, fails: Bool = false) {
        self.kind = kind
        self.gate = gate
        self.fails = fails
    }

    var starts: Int { state.withLock { $0.starts } }
    var closes: Int { state.withLock { $0.closes } }
    var isClosed: Bool { closes > 0 }

    func start() async throws {
        state.withLock { $0.starts += 1 }
        await gate?.wait()
        if fails { throw StartFailure() }
    }

    func close() async { state.withLock { $0.closes += 1 } }
    /// Makes `isHealthy()` answer false from now on (a crashed browser).
    func fallSick() { state.withLock { $0.sick = true } }

    func isHealthy() async -> Bool { state.withLock { !$0.sick && $0.closes == 0 } }
    func memoryBytes() async -> Int { 4096 }
}

/// Makes test engines and remembers them, so a test can count creations and look at each engine.
final class TestEngineFactory: Sendable {
    private let made = Mutex<[TestEngine]>([])
    let kind: String
    let gate: StartGate?
    private let fails: Mutex<Bool>

    init(kind: String = "http", gate: StartGate? = nil, fails: Bool = false) {
        self.kind = kind
        self.gate = gate
        self.fails = Mutex(fails)
    }

    /// Makes the engines made from now on fail (or succeed) to start.
    func failStarts(_ value: Bool) { fails.withLock { $0 = value } }

    var engines: [TestEngine] { made.withLock { $0 } }
    var count: Int { made.withLock { $0.count } }

    @Sendable func make() -> TestEngine {
        let engine = TestEngine(kind: kind, gate: gate, fails: fails.withLock { $0 })
        made.withLock { $0.append(engine) }
        return engine
    }
}
