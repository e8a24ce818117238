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
    }

    init(inlineOps: Set<String> = []) {
        self.inlineOps = inlineOps
    }

    var maximumHeld: Int { state.withLock { $0.maximumHeld } }
    var held: Int { state.withLock { $0.held } }

    func openGate() {
        state.withLock { $0.gateOpen = true }
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
            try? await Task.sleep(for: .milliseconds(ms))
            return ["slept": .int(Int64(ms))]
        case "hold":
            state.withLock {
                $0.held += 1
                $0.maximumHeld = max($0.maximumHeld, $0.held)
            }
            while !state.withLock({ $0.gateOpen }) {
                try? await Task.sleep(for: .milliseconds(5))
            }
            state.withLock { $0.held -= 1 }
            return [:]
        default:
            throw ProtocolError(.unknownOp, "unknown op '\(request.op)'")
        }
    }
}
