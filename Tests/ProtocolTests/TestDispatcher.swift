import JSON
import NIOPosix
import Protocol
import Synchronization

/// A dispatcher for server tests: `echo` returns its parameters, `sleep`
/// waits `ms`, `hold` waits until the test opens the gate, counting how many
/// requests are held at once, `login` marks the connection authenticated. Ops named in `inlineOps` are declared
/// `runsInline`, so the server answers them on the connection's task. `where`
/// and `where_pool` say whether their task runs on `executor`, which it names
/// for `where` alone.
final class TestDispatcher: RequestDispatcher {
    private let state = Mutex(State())
    private let inlineOps: Set<String>
    let executor = MarkingExecutor()
    private struct State {
        var held = 0
        var maximumHeld = 0
        var gateOpen = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(inlineOps: Set<String> = []) {
        self.inlineOps = inlineOps
    }

    var maximumHeld: Int { state.withLock { $0.maximumHeld } }
    var held: Int { state.withLock { $0.held } }

    func openGate() {
        let waiting = state.withLock { state in
            state.gateOpen = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    func runsInline(_ request: Request) -> Bool {
        inlineOps.contains(request.op)
    }

    func executor(for request: Request) -> (any TaskExecutor)? {
        request.op == "where" ? executor : nil
    }

    func dispatch(_ request: Request, context: RequestContext) async throws(ProtocolError) -> JSONObject {
        switch request.op {
        case "where", "where_pool":
            return ["on_executor": .bool(executor.isCurrent)]
        case "echo":
            return request.parameters.values
        case "login":
            context.session.markAuthenticated()
            return [:]
        case "sleep":
            let ms = try request.parameters.int("ms") ?? 0
            // A slow op is what the tests of `sleep` want, not a wait.
            try? await Task.sleep(for: .milliseconds(ms))
            return ["slept": .int(Int64(ms))]
        case "hold":
            state.withLock {
                $0.held += 1
                $0.maximumHeld = max($0.maximumHeld, $0.held)
            }
            await withCheckedContinuation { continuation in
                let open = state.withLock { state in
                    if !state.gateOpen { state.waiting.append(continuation) }
                    return state.gateOpen
                }
                if open { continuation.resume() }
            }
            state.withLock { $0.held -= 1 }
            return [:]
        default:
            throw ProtocolError(.unknownOp, "unknown op '\(request.op)'")
        }
    }
}

/// A `TaskExecutor` on one thread of its own that knows whether the caller runs on it.
final class MarkingExecutor: TaskExecutor {
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let mark = ThreadSpecificVariable<Mark>()
    private final class Mark: Sendable {}

    init() {
        pool.start()
    }

    var isCurrent: Bool { mark.currentValue != nil }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { _ in
            self.mark.currentValue = Mark()
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
