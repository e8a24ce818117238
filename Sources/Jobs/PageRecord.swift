import FoundationEssentials
import JSON

/// One line of a job's JSONL output: what happened to one page.
public struct PageRecord: Sendable, Equatable {
    public var url: String
    public var depth: Int
    public var outcome: PageOutcome
    public var fetchedAt: Date

    public init(url: String, depth: Int, outcome: PageOutcome, fetchedAt: Date) {
        self.url = url
        self.depth = depth
        self.outcome = outcome
        self.fetchedAt = fetchedAt
    }

    /// The most links a record carries, by count and by bytes: a page with
    /// 700,000 links must not make a 50 MB line that every `job.results` and
    /// `page` event then carries. The frontier still gets every link.
    public static let linkLimits = (count: 1000, bytes: 256 << 10)

    /// The links the record keeps: the first ones, within `linkLimits`.
    var keptLinks: ArraySlice<String> {
        var bytes = 0
        var kept = 0
        for link in outcome.links.prefix(Self.linkLimits.count) {
            bytes += link.utf8.count
            guard bytes <= Self.linkLimits.bytes else { break }
            kept += 1
        }
        return outcome.links.prefix(kept)
    }

    /// The record object: url, final_url, status, depth, title, links, data,
    /// fetched_at, error, etag, last_modified, content_sha256; `change` in a
    /// recrawl; and `links_truncated` (how many links past `linkLimits` were
    /// left out) when links were left out.
    public var json: JSONValue {
        let error: JSONValue =
            outcome.errorCode.map { code in
                .object(["code": .string(code), "message": .string(outcome.errorMessage ?? code)])
            } ?? .null
        let links = keptLinks
        var record: JSONObject = [
            "url": .string(url),
            "final_url": .string(outcome.finalURL ?? url),
            "status": outcome.status.map { .int(Int64($0)) } ?? .null,
            "depth": .int(Int64(depth)),
            "title": outcome.title.map(JSONValue.string) ?? .null,
            "links": .array(links.map(JSONValue.string)),
            "data": outcome.data ?? .null,
            "fetched_at": .string(Timestamp.iso8601(fetchedAt)),
            "error": error,
            "etag": outcome.etag.map(JSONValue.string) ?? .null,
            "last_modified": outcome.lastModified.map(JSONValue.string) ?? .null,
            "content_sha256": outcome.contentSHA256.map(JSONValue.string) ?? .null,
        ]
        if let change = outcome.change { record["change"] = .string(change.rawValue) }
        record.merge(outcome.formats) { kept, _ in kept }
        if links.count < outcome.links.count { record["links_truncated"] = .int(Int64(outcome.links.count - links.count)) }
        return .object(record)
    }

    /// The count `data_items` adds for this page.
    public var dataItems: Int {
        switch outcome.data {
        case nil, .null?: return 0
        case .array(let items)?: return items.count
        default: return 1
        }
    }
}

/// What `job.watch` streams.
public enum JobEvent: Sendable, Equatable {
    /// Counters, at most one per 500 ms per job.
    case progress(JobProgress)
    /// One page written (only to watchers that asked for pages).
    case page(job: String, record: PageRecord)
    /// The job ended (completed, failed, cancelled or interrupted); the stream ends after it.
    case summary(JobProgress)

    /// The event line's fields (without `id`): `event` first, then its data.
    /// The summary is the final answer's fields, so it carries no `event` key.
    public var json: JSONObject {
        switch self {
        case .progress(let progress):
            var o: JSONObject = ["event": "progress"]
            o.merge(progress.json) { a, _ in a }
            return o
        case .page(let job, let record):
            return ["event": "page", "job": .string(job), "record": record.json]
        case .summary(let progress):
            return progress.json
        }
    }
}
