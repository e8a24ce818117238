import Protocol
import Scripting

/// What the supervisor watchdog checks before each beat: that a request
/// still gets through the path every request takes.
///
/// It runs on a task of the cooperative pool (where every op and script
/// runs), answers a `ping` through the dispatcher's op table (not counted in
/// the monitor's request stats), then borrows a Lua state of the live
/// generation for one tiny call, the wait that every crawl's policy and
/// extract.lua call goes through. When every state is stuck or owed to a
/// backlog longer than a beat interval, the beat is not sent.
struct RequestPathProbe: Sendable {
    let dispatcher: OpDispatcher
    let scripts: ScriptRegistry

    private static let session = Session(peer: "watchdog", authenticated: true)

    func run() async {
        let request = Request(id: .null, op: "ping", parameters: Parameters([:]))
        let context = RequestContext(session: Self.session, events: EventSink(id: .null) { _ in })
        _ = try? await dispatcher.ops[request.op]?.run(request, context: context)
        try? await scripts.probe()
    }
}
