import Synchronization

/// The daemon-wide budget for bytes of partial lines: lines whose newline has
/// not arrived yet, held by every connection's framing buffer together.
///
/// Each connection's own limit (`LineServerConfiguration.maximumLineBytes`,
/// or the smaller one before `auth`) bounds one buffer, but not their sum:
/// 2,500 connections each sending a megabyte with no newline held 2.6 GB.
/// Past the budget, the connection holding the largest partial line is
/// closed with a final `line_too_long` line: that is the one costing the
/// most, and closing it frees the most for everyone else.
///
/// Partial lines under `trackedFromBytes` are not reported, so that the
/// common case (pipelined small requests split across reads) takes no lock:
/// at most `maximumConnections` × `trackedFromBytes` goes uncounted
/// (40 MB at the defaults).
final class PartialLineLedger: Sendable {
    /// Partial lines shorter than this are not counted.
    static let trackedFromBytes = 4096

    /// Closes a connection with a final error line: at once when `now` and
    /// called on its event loop, else as a task on its loop.
    typealias Evict = @Sendable (_ message: String, _ now: Bool) -> Void

    private struct Entry {
        var bytes = 0
        let evict: Evict
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var total = 0
    }

    let budgetBytes: Int
    private let state = Mutex(State())

    init(budgetBytes: Int) {
        self.budgetBytes = budgetBytes
    }

    /// Adds a connection; `evict` closes it with a final error line carrying the message.
    func register(_ connection: Int, evict: @escaping Evict) {
        state.withLock { $0.entries[connection] = Entry(evict: evict) }
    }

    /// Forgets a closed connection and the bytes it held.
    func remove(_ connection: Int) {
        state.withLock { state in
            if let entry = state.entries.removeValue(forKey: connection) { state.total -= entry.bytes }
        }
    }

    /// Bytes of partial lines counted now, over all connections.
    var totalBytes: Int { state.withLock { $0.total } }

    /// Sets the bytes `connection` holds in its partial line; past the
    /// budget, evicts the connection holding the most (possibly this one).
    ///
    /// Another connection is closed at once when it shares the caller's
    /// event loop, so that its buffer is freed before the loop reads more
    /// (one loop turn reads up to four buffers from every connection); the
    /// caller itself is closed by a task, after its decoder has returned.
    /// - Returns: true when the caller is the one evicted: it must drop its
    ///   partial line now.
    func update(_ connection: Int, bytes: Int) -> Bool {
        let victim = state.withLock { state -> (id: Int, evict: Evict)? in
            guard let old = state.entries[connection]?.bytes else { return nil }
            state.entries[connection]?.bytes = bytes
            state.total += bytes - old
            guard state.total > budgetBytes else { return nil }
            guard let largest = state.entries.max(by: { $0.value.bytes < $1.value.bytes }) else { return nil }
            state.total -= largest.value.bytes
            state.entries.removeValue(forKey: largest.key)
            return (largest.key, largest.value.evict)
        }
        guard let victim else { return false }
        let message =
            "partial lines of all connections passed the daemon's budget of \(budgetBytes) bytes; "
            + "this connection held the longest line without a newline and is closed"
        victim.evict(message, victim.id != connection)
        return victim.id == connection
    }
}
