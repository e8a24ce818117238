import JSON
import NIOCore
import NIOExtras
import NIOPosix
import Synchronization

/// One line-protocol connection to a running crawld, shared by every tool call of an MCP
/// session: requests go out pipelined, each with an id of its own, and answers are matched
/// back by id (crawld answers a connection's requests in any order).
///
/// `run()` reads the answers and must run for the link's whole life (the MCP command runs
/// it beside the server in one task group); when the daemon closes the connection, every
/// call waiting and every later one fails with `MCPBridgeError.disconnected`.
public final class DaemonLink: CrawldOpCaller {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let state = Mutex(State())

    private struct State {
        var nextID = 1
        var waiting: [Int: CheckedContinuation<JSONObject, any Error>] = [:]
        var closed = false
    }

    private init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
    }

    /// Connects to crawld's line protocol at `host:port`. Answer lines are not capped: the
    /// daemon is the operator's own, and a page's `html` can be many megabytes.
    public static func connect(host: String, port: Int) async throws -> DaemonLink {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return DaemonLink(channel: channel)
    }

    /// Sends `request` (an object without `id`) and waits for its final answer line.
    /// Event lines (a watched job's progress) are skipped.
    public func request(_ request: JSONObject) async throws -> JSONObject {
        var line = request
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        line["id"] = .int(Int64(id))
        return try await withCheckedThrowingContinuation { continuation in
            let admitted = state.withLock { state in
                guard !state.closed else { return false }
                state.waiting[id] = continuation
                return true
            }
            guard admitted else { return continuation.resume(throwing: MCPBridgeError.disconnected) }
            // Written on the channel itself, not through `outbound`: this closure is synchronous,
            // and the waiter must be registered before the answer can arrive.
            var buffer = ByteBuffer(string: JSONValue.object(line).encodedString())
            buffer.writeString("\n")
            channel.channel.writeAndFlush(buffer, promise: nil)
        }
    }

    /// Reads answers until the daemon closes the connection, then fails whoever still waits.
    public func run() async throws {
        defer { failAll() }
        for try await var line in channel.inbound {
            guard let bytes = line.readBytes(length: line.readableBytes), let answer = try? JSONValue.parse(bytes).objectValue,
                answer["ok"] != nil, let id = answer["id"]?.intValue
            else { continue }
            let waiter = state.withLock { $0.waiting.removeValue(forKey: Int(id)) }
            waiter?.resume(returning: answer)
        }
    }

    /// Closes the connection; `run()` then returns.
    public func close() {
        channel.outbound.finish()
        channel.channel.close(promise: nil)
    }

    private func failAll() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for waiter in waiters { waiter.resume(throwing: MCPBridgeError.disconnected) }
    }
}

/// Why the bridge could not serve a call.
public enum MCPBridgeError: Error, CustomStringConvertible {
    case disconnected
    case unauthorized(String)

    public var description: String {
        switch self {
        case .disconnected: "the connection to crawld closed"
        case .unauthorized(let message): "crawld refused the token: \(message)"
        }
    }
}
