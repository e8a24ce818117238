import JSON
import Synchronization
import Threads

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The DevTools protocol over Chromium's pipe: NUL-terminated JSON messages,
/// commands matched to replies by `id`, events routed by `sessionId`.
///
/// One dedicated reader thread per browser blocks in `poll`/`read` on the
/// socket, so no event loop and no cooperative thread ever waits on Chromium.
/// The same thread runs the owner's `tick` between reads (the engine's
/// watchdog), so a browser costs one thread, not two; ``wakeReader()`` makes
/// it tick at once, when a probe must not wait for the wake it sleeps
/// towards. EOF on the socket means
/// the browser is gone: every pending command fails at once with the reason,
/// and later commands fail without being written.
///
/// Handlers (replies and events) run on the reader thread: they must be quick
/// and must not block; sending a command from one is fine.
final class CDPConnection: Sendable {
    /// A command's outcome: the `result` object, or why there is none.
    typealias Reply = Result<JSONValue, BrowserError>
    /// An event: its method and its params.
    typealias EventHandler = @Sendable (_ method: String, _ params: JSONValue) -> Void

    private struct State {
        var nextID = 1
        var pending: [Int: @Sendable (Reply) -> Void] = [:]
        var sessions: [String: EventHandler] = [:]
        var failure: BrowserError?
    }

    /// Read by the reader thread (`CDPConnection+Reader.swift`).
    let socket: Int32
    /// A pipe the reader thread also polls: a byte on `wakeup.read` makes it
    /// tick now. Owned here, closed in `deinit` (after the reader thread has
    /// ended, since the thread holds this connection).
    let wakeup: (read: Int32, write: Int32)
    private let state = Mutex(State())
    private let writeLock = Mutex(())
    private let tick: @Sendable (ContinuousClock.Instant) -> Duration
    private let onClose: @Sendable () -> Void

    /// - Parameters:
    ///   - socket: the parent's end of the DevTools socket; not owned (the process owns it).
    ///   - tick: called on the reader thread at least as often as the duration it
    ///     last returned; it returns how long until it wants to run again.
    ///   - onClose: called once on the reader thread after EOF, when every pending command has failed.
    init(
        socket: Int32,
        tick: @escaping @Sendable (ContinuousClock.Instant) -> Duration,
        onClose: @escaping @Sendable () -> Void
    ) {
        self.socket = socket
        self.tick = tick
        self.onClose = onClose
        var fds: [Int32] = [-1, -1]
        // Without the pipe the reader still ticks, only at the beat: a failed pipe costs precision, not correctness.
        // (pipe2 is hidden behind _GNU_SOURCE, hence pipe and fcntl.)
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            }
        } else {
            fds = [-1, -1]
        }
        self.wakeup = (fds[0], fds[1])
    }

    deinit {
        if wakeup.read >= 0 { Glibc.close(wakeup.read) }
        if wakeup.write >= 0 { Glibc.close(wakeup.write) }
    }

    /// Starts the reader thread. Call once.
    func start() throws {
        do {
            try DetachedThread.start { [self] in readLoop() }
        } catch {
            throw BrowserError(.launchFailed, "cannot start the DevTools reader thread: error \(error.status)")
        }
    }

    /// Why the connection is closed, or nil while it is open.
    var failure: BrowserError? { state.withLock { $0.failure } }

    // MARK: - Commands

    /// Sends a command; `reply` runs on the reader thread (or at once if the connection is closed).
    /// - Returns: the command's id, for ``cancel(_:)``.
    @discardableResult
    func send(_ method: String, _ params: JSONObject = [:], session: String? = nil, reply: @escaping @Sendable (Reply) -> Void) -> Int {
        let registered: Result<Int, BrowserError> = state.withLock { state in
            if let failure = state.failure { return .failure(failure) }
            let id = state.nextID
            state.nextID += 1
            state.pending[id] = reply
            return .success(id)
        }
        switch registered {
        case .failure(let error):
            reply(.failure(error))
            return 0
        case .success(let id):
            var message: JSONObject = ["id": .int(Int64(id)), "method": .string(method), "params": .object(params)]
            if let session { message["sessionId"] = .string(session) }
            var bytes = JSONValue.object(message).encoded()
            bytes.append(0)
            if let error = write(bytes) { fail(error) }
            return id
        }
    }

    /// Sends a command and waits for its result. Cancelling the task fails
    /// the wait with `BrowserError.timeout` (Chromium's late reply is dropped).
    /// - Throws: `BrowserError` (`protocol` for an error reply, or the reason the connection closed).
    func send(_ method: String, _ params: JSONObject = [:], session: String? = nil) async throws -> JSONValue {
        let id = Mutex(0)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, Error>) in
                let sent = send(method, params, session: session) { continuation.resume(with: $0.mapError { $0 }) }
                id.withLock { $0 = sent }
                if Task.isCancelled { cancel(sent) }
            }
        } onCancel: {
            cancel(id.withLock { $0 })
        }
    }

    /// Sends several commands at once (one write each, no waiting in between)
    /// and waits for all of them: page setup costs one round trip, not six.
    /// - Throws: the first failure.
    func sendAll(_ commands: [(String, JSONObject)], session: String? = nil) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (method, params) in commands {
                group.addTask { _ = try await self.send(method, params, session: session) }
            }
            try await group.waitForAll()
        }
    }

    /// Fails a pending command with `BrowserError.timeout`; nothing if it already ended.
    func cancel(_ id: Int) {
        guard let reply = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        reply(.failure(BrowserError(.timeout, "request cancelled")))
    }

    /// Routes the events of `session` (a flattened target session) to `handler` until removed.
    func subscribe(session: String, _ handler: @escaping EventHandler) {
        state.withLock { $0.sessions[session] = handler }
    }

    /// Stops routing a session's events.
    func unsubscribe(session: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: session) }
    }

    /// Closes the connection for commands: every pending command fails with
    /// `error` now, and so does every later one. The first reason wins.
    func fail(_ error: BrowserError) {
        let pending = state.withLock { state in
            if state.failure == nil { state.failure = error }
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        let reason = failure ?? error
        for reply in pending { reply(.failure(reason)) }
    }

    private func write(_ bytes: [UInt8]) -> BrowserError? {
        writeLock.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if n > 0 {
                        offset += n
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        return BrowserError(.crashed, "browser closed the DevTools pipe (send: errno \(errno))")
                    }
                }
                return nil
            }
        }
    }

    /// Makes the reader thread run its tick now rather than at the wake it
    /// computed last: the probe after a render's deadline pings at once, not
    /// up to a beat late.
    func wakeReader() {
        guard wakeup.write >= 0 else { return }
        var byte: UInt8 = 1
        _ = Glibc.write(wakeup.write, &byte, 1)
    }

    // MARK: - Reader thread hooks

    func tickNow(_ now: ContinuousClock.Instant) -> Duration { tick(now) }

    func closed() { onClose() }

    func takePending(_ id: Int) -> (@Sendable (Reply) -> Void)? {
        state.withLock { $0.pending.removeValue(forKey: id) }
    }

    func handler(for session: String) -> EventHandler? {
        state.withLock { $0.sessions[session] }
    }
}
