import HummingbirdWebSocket
import JSON
import NIOCore
import Protocol
import ServiceLifecycle
import Synchronization

/// The dashboard's live feed on `/dashboard/live`: a snapshot
/// (`DashboardSnapshot`) every `pushInterval` while auto-refresh is on, and
/// one more whenever the page asks.
///
/// Messages from the page, each a JSON object:
/// - first, always: `{"token": "…"}` (`""` without `--token-file`); a wrong
///   token, or none within `helloTimeout`, is answered `{"type":"error",…}`
///   and the socket is closed. A browser cannot set `Authorization` on a
///   WebSocket, so the token comes here, never in the URL (which access logs
///   keep). The page sends it as it opens the socket; a socket that never
///   did held a place under the listener's ceiling for good.
/// - `{"auto": true|false}` turns the pushes on or off;
/// - `{"refresh": true}` asks for a snapshot now.
struct DashboardSocket: Sendable {
    let runner: OpRunner
    let token: [UInt8]?
    let pushInterval: Duration
    let helloTimeout: Duration

    private enum Turn {
        case push
        case refuse
    }

    /// What the reading task tells the timer: the page gave the right token, and whether it wants pushes.
    private final class Switches: Sendable {
        let authorized = Atomic<Bool>(false)
        let auto = Atomic<Bool>(true)
    }

    /// Reads the page's messages on one task and writes snapshots on this
    /// one; ends when the page closes the socket, or at SIGTERM: the library
    /// only sends its close frame then, and a page that never answers it
    /// (or never sent its first message) would hold the drain for ever.
    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await cancelWhenGracefulShutdown {
            try await exchange(inbound: inbound, outbound: outbound)
        }
    }

    private func exchange(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let switches = Switches()
        let (turns, turn) = AsyncStream.makeStream(of: Turn.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [token] in
                defer { turn.finish() }
                var messages = inbound.messages(maxSize: 4096).makeAsyncIterator()
                guard let first = try await messages.next(), let hello = Self.object(first) else { return }
                if let token {
                    guard let given = hello["token"]?.stringValue, TokenComparison.equal(Array(given.utf8), token) else {
                        turn.yield(.refuse)
                        return
                    }
                }
                switches.authorized.store(true, ordering: .releasing)
                turn.yield(.push)
                while let message = try await messages.next() {
                    guard let object = Self.object(message) else { continue }
                    if let on = object["auto"]?.boolValue { switches.auto.store(on, ordering: .relaxed) }
                    if object["refresh"]?.boolValue == true || object["auto"]?.boolValue == true { turn.yield(.push) }
                }
            }
            group.addTask { [helloTimeout] in
                try await Task.sleep(for: helloTimeout)
                if !switches.authorized.load(ordering: .acquiring) { turn.yield(.refuse) }
            }
            group.addTask { [pushInterval] in
                while true {
                    try await Task.sleep(for: pushInterval)
                    if switches.authorized.load(ordering: .acquiring) && switches.auto.load(ordering: .relaxed) { turn.yield(.push) }
                }
            }
            for await next in turns {
                switch next {
                case .push:
                    let bytes = await DashboardSnapshot.make(with: runner)
                    try await outbound.writeTextMessage(String(decoding: bytes, as: UTF8.self))
                case .refuse:
                    try await outbound.writeTextMessage(#"{"type":"error","error":{"code":"unauthorized","message":"wrong or missing token"}}"#)
                    try await outbound.close(.policyViolation, reason: "unauthorized")
                }
            }
            group.cancelAll()
        }
    }

    private static func object(_ message: WebSocketMessage) -> JSONObject? {
        guard case .text(let text) = message else { return nil }
        return (try? JSONValue.parse(text))?.objectValue
    }
}
