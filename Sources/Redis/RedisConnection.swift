import DequeModule
import FoundationEssentials
import Logging
import Threads

/// One connection to Redis, run on its own thread; callers only enqueue.
///
/// hiredis's sync API does blocking I/O and is not thread-safe, and an event
/// loop must never block, so every hiredis call happens on one dedicated
/// thread this class starts (see `RedisContext`). Writes (`enqueue`) go
/// into a bounded queue and are sent pipelined in batches; reads
/// (`command`) suspend the caller until the thread has the reply.
///
/// `@unchecked Sendable`, in the manner of sqlite-nio's `SQLiteConnection`:
/// all mutable state below (`queue`, `reads`, `status`, `stopRequested`,
/// `exitWaiters`) is read and written only while holding `condition`; the C
/// context never leaves the connection thread. Nothing here is reachable
/// from another thread without that lock.
public final class RedisConnection: @unchecked Sendable {
    struct PendingRead {
        let arguments: [String]
        let continuation: CheckedContinuation<RedisReply, any Error>
    }

    let configuration: RedisConfiguration
    let logger: Logger
    let condition = ConditionLock()
    var queue = Deque<[String]>()
    var oldestWriteAt: ContinuousClock.Instant?
    var reads: [PendingRead] = []
    var status = RedisStatus()
    var started = false
    var stopRequested = false
    var exited = false
    var exitWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - configuration: where Redis is, queue and batch limits, backoff.
    ///   - logger: link changes are logged at `info`, once per change.
    public init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts the connection thread; it connects, and reconnects with backoff
    /// for as long as the connection runs. Calling it twice has no effect.
    /// The thread keeps the connection alive until `shutdown()` ends it.
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = startThread()
        if !started { status.lastError = "cannot start the connection thread" }
    }

    /// Sends what is queued (when connected), fails waiting reads, and ends
    /// the thread. Returns once the thread has ended.
    public func shutdown() async {
        let wasStarted: Bool = {
            condition.lock()
            defer { condition.unlock() }
            stopRequested = true
            condition.broadcast()
            if !started { status.state = .stopped }
            return started
        }()
        guard wasStarted else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if exited {
                condition.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// The link state and queue figures right now.
    public var currentStatus: RedisStatus {
        condition.lock()
        defer { condition.unlock() }
        var snapshot = status
        snapshot.queueDepth = queue.count
        return snapshot
    }

    // MARK: - Writes

    /// Queues one write command; never blocks and never fails.
    ///
    /// When the queue is full the oldest command is dropped and counted in
    /// `RedisStatus.droppedWrites`: recent figures matter more than old ones.
    public func enqueue(_ arguments: [String]) {
        enqueue(contentsOf: [arguments])
    }

    /// Queues several write commands, in order, as one step.
    public func enqueue(contentsOf commands: [[String]]) {
        guard !commands.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        guard !stopRequested else { return }
        let wasEmpty = queue.isEmpty
        for arguments in commands where !arguments.isEmpty { queue.append(arguments) }
        if wasEmpty { oldestWriteAt = .now }
        trimQueue()
        if wasEmpty || queue.count >= configuration.batchSize { condition.signal() }
    }

    /// Drops the oldest writes past capacity; caller holds `condition`.
    func trimQueue() {
        while queue.count > configuration.writeQueueCapacity {
            queue.removeFirst()
            status.droppedWrites += 1
        }
    }

    // MARK: - Reads

    /// Sends one command and waits for its reply, without blocking any thread.
    ///
    /// Queued writes go out before it, in the same pipeline, so a read sees
    /// every write enqueued before it. While the link is down the call waits
    /// for the next connect attempt; while the circuit is open it fails at once.
    /// - Throws: `RedisError` (`.serverError` for an error reply, `.notConnected`,
    ///   `.circuitOpen`, `.connectionLost`, `.shutdown`, `.invalidArguments`).
    public func command(_ arguments: [String]) async throws -> RedisReply {
        guard !arguments.isEmpty else { throw RedisError(.invalidArguments, "a command needs at least its name") }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if stopRequested || !started {
                continuation.resume(throwing: RedisError(.shutdown, "connection is not running"))
            } else if status.state == .circuitOpen {
                continuation.resume(throwing: RedisError(.circuitOpen, status.lastError ?? "circuit open"))
            } else {
                reads.append(PendingRead(arguments: arguments, continuation: continuation))
                condition.signal()
            }
        }
    }
}
