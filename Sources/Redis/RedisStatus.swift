/// A snapshot of the link and the write queue, for `monitor.health` and benchmarks.
public struct RedisStatus: Sendable, Hashable {
    public var state: RedisLinkState
    /// The last connect failure, I/O error or error reply, if any.
    public var lastError: String?
    /// Write commands waiting to be sent.
    public var queueDepth: Int
    /// Writes dropped because the queue was full (oldest first).
    public var droppedWrites: Int
    /// Writes Redis answered with an error reply.
    public var failedWrites: Int
    /// Writes Redis acknowledged.
    public var sentWrites: Int
    /// Pipelined batches sent (one write and one read on the socket each).
    public var roundTrips: Int
    /// Successful connects so far: a change tells a caller the link came back
    /// (and that Redis may have lost what it held).
    public var connectionGeneration: Int
    /// Failed connects in a row.
    public var consecutiveFailures: Int

    public init() {
        state = .connecting
        queueDepth = 0
        droppedWrites = 0
        failedWrites = 0
        sentWrites = 0
        roundTrips = 0
        connectionGeneration = 0
        consecutiveFailures = 0
    }
}
