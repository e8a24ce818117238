import JSON
import Protocol
import Synchronization

/// A dispatcher for server tests: `echo` returns its parameters, `sleep`
/// waits `ms`, `hold` waits until the test opens the gate, counting how many
/// requests are held at once, `login` marks the connection authenticated. Ops named in `inlineOps` are declared
/// `runsInline`, so the server answers them on the connection's task.
final class TestDispatcher: RequestDispatcher {
    private let state = Mutex(State())
    private let inlineOps: Set<String>
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

    func dispatch(_ request: Request, context: RequestContext) async throws(ProtocolError) -> JSONObject {
        switch request.op {
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
