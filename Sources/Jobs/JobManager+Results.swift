import FoundationEssentials
import JSON

/// One answer of `job.results`.
public struct ResultsPage: Sendable, Equatable {
    public var records: [JSONValue]
    /// Records the job's output holds now.
    public var total: Int
    /// Where the next page starts (`next` on the wire), or nil when this page
    /// reached the last record written so far.
    public var next: ResultsCursor?
}

/// A `job.results` cursor, `<record>:<byte>`: the next record's index and
/// where its line starts, so a page goes on without reading the file from the
/// start. The reader checks that the byte starts a line.
public struct ResultsCursor: Sendable, Equatable, CustomStringConvertible {
    public var position: JSONLReader.Position

    public init(_ position: JSONLReader.Position) { self.position = position }

    public init(parsing text: String) throws(JobError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let record = Int(parts[0]), record >= 0, let byte = UInt64(parts[1]) else {
            throw JobError(.badRequest, "must be the 'next' of an earlier job.results answer", field: "cursor")
        }
        position = JSONLReader.Position(record: record, byte: byte)
    }

    public var description: String { "\(position.record):\(position.byte)" }
}

extension JobManager {
    /// Records per page, and bytes of records per page: `max_bytes` bounds the
    /// answer's size whatever the records hold; part of it is left for the
    /// answer's other fields.
    public static let resultsLimits = (records: 1...1000, maxBytes: (64 << 10)...(16 << 20), envelope: 1024)

    /// Up to `limit` records from `offset` (or from `cursor`, the `next` of an
    /// earlier page) totalling at most `maxBytes` less the envelope, and how many
    /// the output holds.
    ///
    /// The file is read off the manager's actor (only the window is looked up
    /// on it), so a big read never holds up another client's `job.status`.
    @concurrent public nonisolated func results(
        _ job: String, offset: Int = 0, cursor: ResultsCursor? = nil, limit: Int, maxBytes: Int = 1 << 20
    ) async throws(JobError) -> ResultsPage {
        guard offset >= 0 else { throw JobError(.badRequest, "must be 0 or more", field: "offset") }
        let limits = Self.resultsLimits
        guard limits.records.contains(limit) else { throw JobError(.badRequest, "must be between 1 and 1000", field: "limit") }
        guard limits.maxBytes.contains(maxBytes) else {
            throw JobError(.badRequest, "must be between \(limits.maxBytes.lowerBound) and \(limits.maxBytes.upperBound)", field: "max_bytes")
        }
        if let crawls = cluster?.crawls,
            let page = try await crawls.results(job, offset: cursor?.position.record ?? offset, limit: limit, maxBytes: maxBytes)
        {
            return page
        }
        let window = try await resultsWindow(job)
        let start = cursor?.position ?? .start
        let page = try JSONLReader.records(
            at: window.path, length: window.length, from: start, offset: max(offset, start.record), limit: limit,
            maxBytes: maxBytes - limits.envelope)
        return ResultsPage(records: page.records, total: window.records, next: page.atEnd ? nil : ResultsCursor(page.next))
    }

    /// Where a job's records are: the file, its length in whole records, and the record count.
    func resultsWindow(_ job: String) async throws(JobError) -> (path: String, length: UInt64, records: Int) {
        if let runner = runners[job] { return await runner.resultsWindow() }
        if let finished = finished(job) {
            let path = try OutputPath(finished.progress.output, in: environment.configuration.outputDirectory, creating: false)
            return (path.absolute, finished.outputOffset, finished.records)
        }
        if let summary = try await clusterSummary(job) { return try localWindow(summary) }
        throw Self.unknown(job)
    }
}
