import JSON
import NIOCore
import NIOPosix
import Synchronization

/// A test client for the line protocol over a real TCP socket: send lines,
/// read lines, with a deadline on every read so a broken server fails the
/// test instead of hanging it.
public final class LineClient: Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let lines: AsyncLineReader

    private init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
        self.lines = AsyncLineReader(channel.inbound)
    }

    /// A client a failing test dropped without `close()` is closed here: NIO
    /// traps when an unfinished writer is freed, and that trap would end the
    /// whole test run and hide the failure that threw.
    deinit {
        channel.outbound.finish()
        channel.channel.close(promise: nil)
    }

    /// Connects to `host:port`.
    /// - Parameter source: the local address to connect from (`127.0.0.2`),
    ///   so that crawld sees another client; any when nil.
    public static func connect(host: String = "127.0.0.1", port: Int, from source: String? = nil) async throws -> LineClient {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel =
            try await bootstrap
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return LineClient(channel: channel)
    }

    /// Sends raw bytes (no newline is added).
    public func send(raw bytes: [UInt8]) async throws {
        try await channel.outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Sends one line (a newline is added).
    public func send(_ line: String) async throws {
        try await send(raw: Array((line + "\n").utf8))
    }

    /// Sends a request object as one line.
    public func send(_ request: JSONValue) async throws {
        try await send(request.encodedString())
    }

    /// The next line, parsed as JSON; nil when the server closed the connection.
    public func readJSON(timeout: Duration = .seconds(30)) async throws -> JSONValue? {
        guard let line = try await readLine(timeout: timeout) else { return nil }
        return try JSONValue.parse(line)
    }

    /// The next line without its newline; nil when the server closed.
    public func readLine(timeout: Duration = .seconds(30)) async throws -> String? {
        try await lines.next(timeout: timeout)
    }

    /// Sends a request and reads lines until its final answer (the line with
    /// `ok`); event lines before it are returned too.
    public func request(_ request: JSONValue, timeout: Duration = .seconds(60)) async throws -> (answer: JSONObject, events: [JSONObject]) {
        try await send(request)
        var events: [JSONObject] = []
        while let line = try await readJSON(timeout: timeout) {
            guard let object = line.objectValue else { continue }
            if object["ok"] != nil { return (object, events) }
            events.append(object)
        }
        throw LineClientError(message: "connection closed before the answer to \(request.encodedString())")
    }

    /// Closes the sending side only, as `nc -N` does at the end of its input: the server has
    /// every request, and answers them before it closes.
    public func finishSending() async throws {
        try await channel.channel.close(mode: .output)
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.channel.close()
    }
}

/// A test client failure.
public struct LineClientError: Error, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Lines read off the connection by a pump task; `next` waits for one with a
/// deadline without disturbing the pump (cancelling an iterator's `next()`
/// would end the stream).
private final class AsyncLineReader: Sendable {
    private enum Outcome { case line(String), closed, timedOut }
    private struct State {
        var lines: [String] = []
        var partial: [UInt8] = []
        var closed = false
        var waiter: (id: Int, continuation: CheckedContinuation<Outcome, Never>)?
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) {
        Task { [self] in
            do {
                for try await chunk in inbound { self.received(Array(chunk.readableBytesView)) }
            } catch {}
            self.finish()
        }
    }

    private func received(_ bytes: [UInt8]) {
        let resume = state.withLock { state -> (CheckedContinuation<Outcome, Never>, String)? in
            state.partial.append(contentsOf: bytes)
            while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                state.lines.append(String(decoding: state.partial[..<newline], as: UTF8.self))
                state.partial.removeSubrange(...newline)
            }
            guard let waiter = state.waiter, !state.lines.isEmpty else { return nil }
            state.waiter = nil
            return (waiter.continuation, state.lines.removeFirst())
        }
        if let (continuation, line) = resume { continuation.resume(returning: .line(line)) }
    }

    private func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: .closed)
    }

    func next(timeout: Duration) async throws -> String? {
        let outcome: Outcome = await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> Outcome? in
                if !state.lines.isEmpty { return .line(state.lines.removeFirst()) }
                if state.closed { return .closed }
                state.nextWaiter += 1
                state.waiter = (state.nextWaiter, continuation)
                let id = state.nextWaiter
                Task { [self] in
                    // The read's timeout, not a wait: a line that comes first ends the read at once.
                    try? await Task.sleep(for: timeout)
                    self.expire(id)
                }
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        switch outcome {
        case .line(let line): return line
        case .closed: return nil
        case .timedOut: throw LineClientError(message: "no line within \(timeout)")
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: .timedOut)
    }
}
