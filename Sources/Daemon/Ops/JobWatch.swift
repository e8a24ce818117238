import DequeModule
import JSON
import Jobs
import Protocol
import Synchronization

/// Streams a job's events as event lines; the summary becomes the answer.
///
/// A watcher never waits on its client: lines go out only while the
/// connection is writable (NIO's outbound buffer under its high watermark),
/// and the others wait in a backlog counted in bytes; a line held back goes
/// out with the next event or before the summary. A client that does not
/// read lets the backlog pass `maximumBacklogBytes`; the watch then ends at
/// once with a final `slow_consumer` error line, which releases the job's
/// event stream (the job goes on, without this watcher). It ends rather
/// than sending a `dropped` event first because that event could only wait
/// behind the unread bytes, holding the stream, and the runner would keep
/// filling it. So a watcher holds at most about `maximumBacklogBytes` plus
/// one line, where an unread watcher's buffered events once grew without bound.
enum JobWatch {
    static let maximumBacklogBytes = 128 * 1024

    static func stream(_ events: AsyncStream<JobEvent>, to sink: EventSink) async throws -> JSONObject {
        var last: JSONObject = [:]
        var backlog = Deque<[UInt8]>()
        var backlogBytes = 0
        for await event in events {
            let line: [UInt8]
            switch event {
            case .summary(let progress):
                for line in backlog { try await sink.send(line: line) }
                return progress.json
            case .progress(let progress):
                last = progress.json
                line = sink.line("progress", progress.json)
            case .page(let job, let record):
                line = sink.line("page", ["job": .string(job), "record": record.json])
            }
            backlog.append(line)
            backlogBytes += line.count
            while let first = backlog.first, sink.isWritable {
                backlog.removeFirst()
                backlogBytes -= first.count
                try await sink.send(line: first)
            }
            if backlogBytes > maximumBacklogBytes {
                throw ProtocolError(
                    .slowConsumer,
                    "this watch fell more than \(maximumBacklogBytes) bytes behind (the client did not read) and was dropped; "
                        + "the job goes on: watch it again, or ask job.status and job.results"
                )
            }
        }
        return last
    }
}

/// Ceilings on job watches (`job.watch`, `job.submit` with `watch`): over
/// the whole daemon and per connection. Past either, a new watch is refused
/// with `busy`, so the memory watchers hold grows with a bound the operator
/// knows, not with the number of clients.
final class WatchSlots: Sendable {
    let maximum: Int
    let maximumPerConnection: Int
    private let counts = Mutex<(total: Int, perConnection: [Int: Int])>((0, [:]))

    init(maximum: Int, maximumPerConnection: Int) {
        self.maximum = maximum
        self.maximumPerConnection = maximumPerConnection
    }

    /// Runs `body` holding one watch slot of the connection.
    /// - Throws: `busy` when no slot is free, or what `body` throws.
    func withSlot<T>(for session: Session, _ body: () async throws -> T) async throws -> T {
        try take(session.connectionID)
        defer { give(session.connectionID) }
        return try await body()
    }

    private func take(_ connection: Int) throws(ProtocolError) {
        try counts.withLock { (counts) throws(ProtocolError) in
            guard counts.total < maximum else {
                throw ProtocolError(.busy, "\(maximum) job watches are open on this daemon, the most it allows; try again later")
            }
            let mine = counts.perConnection[connection, default: 0]
            guard mine < maximumPerConnection else {
                throw ProtocolError(.busy, "\(maximumPerConnection) job watches are open on this connection, the most it allows")
            }
            counts.total += 1
            counts.perConnection[connection] = mine + 1
        }
    }

    private func give(_ connection: Int) {
        counts.withLock { counts in
            counts.total -= 1
            let mine = counts.perConnection[connection, default: 1] - 1
            counts.perConnection[connection] = mine > 0 ? mine : nil
        }
    }
}
