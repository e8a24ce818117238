import FoundationEssentials
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// The life of a job, as `job.status` reports it.
public enum JobState: String, Sendable, CaseIterable {
    case queued, running, completed, failed, cancelled, interrupted
    /// A cluster job stopped by `job.pause`: its frontier waits in Redis, exactly as it was, for `job.resume`.
    case paused

    /// Completed, failed and cancelled jobs never run again; an interrupted one resumes.
    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// A job's counters, in the fields protocol.md lists for progress.
public struct JobProgress: Sendable, Equatable {
    public var job: String
    public var state: JobState = .queued
    /// Pages the job will fetch as far as it knows now: admitted URLs, capped by `max_pages`.
    public var total = 0
    /// Pages done (a record written), succeeded or failed.
    public var crawled = 0
    public var succeeded = 0
    public var failed = 0
    /// URLs refused by robots.txt (no record is written for them).
    public var skipped = 0
    /// Links (and seeds) not queued because the job's queue was full (see `Frontier`).
    public var urlsDropped = 0
    public var currentURL: String?
    /// What the job is doing: `queued`, `crawling`, `stopping`, `done`.
    public var stage = "queued"
    /// Items extract.lua returned: the length of an array, 1 for any other non-null value.
    public var dataItems = 0
    /// Seconds spent running, over all runs of the job (a resume adds to it).
    public var runtimeSeconds = 0.0
    public var startedAt: Date?
    public var lastSuccessAt: Date?
    /// Failed attempts, including those retried successfully.
    public var errorCount = 0
    /// The output path relative to `--output-dir`.
    public var output: String
    /// Why the job failed, when `state` is `failed`.
    public var failure: String?
    /// With Redis: the instance running the job (or that ran it last); nil while it waits in the queue.
    public var instance: String?
    /// A cluster job's pages crawled by each instance that took part.
    public var instances: [String: Int]?
    /// `output.redis_stream`: the stream, records appended, the last error (`StreamSink.Status`).
    public var stream: JSONObject?
    /// The webhook's deliveries (`WebhookStatus`), on the instance that runs the job.
    public var webhook: JSONObject?
    /// The sitemap stage of a job with `sitemaps`.
    public var sitemaps: SitemapProgress?
    /// A recrawl's pages by `change` (`new`, `changed`, `unchanged`, `gone`).
    public var changes: [String: Int] = [:]

    public init(job: String, output: String) {
        self.job = job
        self.output = output
    }

    /// Done pages out of `total`, 0...100.
    public var percent: Double {
        guard total > 0 else { return state == .completed ? 100 : 0 }
        return min(100, (Double(crawled) / Double(total) * 1000).rounded() / 10)
    }

    /// The wire form, keys in protocol.md order, then `skipped`, `urls_dropped`, `output`, `failure` and `instance`.
    public var json: JSONObject {
        var o: JSONObject = [
            "job": .string(job), "total": .int(Int64(total)), "crawled": .int(Int64(crawled)),
            "succeeded": .int(Int64(succeeded)), "failed": .int(Int64(failed)),
            "current_url": currentURL.map(JSONValue.string) ?? .null, "stage": .string(stage),
            "data_items": .int(Int64(dataItems)), "percent": .double(percent),
            "runtime_s": .double((runtimeSeconds * 1000).rounded() / 1000),
            "started_at": startedAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
            "last_success_at": lastSuccessAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
            "error_count": .int(Int64(errorCount)), "state": .string(state.rawValue),
            "skipped": .int(Int64(skipped)), "urls_dropped": .int(Int64(urlsDropped)), "output": .string(output),
        ]
        if let failure { o["failure"] = .string(failure) }
        if let instance { o["instance"] = .string(instance) }
        if let instances {
            var byInstance: JSONObject = [:]
            for (id, pages) in instances.sorted(by: { $0.key < $1.key }) { byInstance[id] = .int(Int64(pages)) }
            o["instances"] = .object(byInstance)
        }
        if let stream { o["stream"] = .object(stream) }
        if let webhook { o["webhook"] = .object(webhook) }
        if let sitemaps { o["sitemaps"] = sitemaps.json }
        if !changes.isEmpty {
            var byChange: JSONObject = [:]
            for (change, count) in changes.sorted(by: { $0.key < $1.key }) { byChange[change] = .int(Int64(count)) }
            o["changes"] = .object(byChange)
        }
        return o
    }
}

/// ISO 8601 UTC times with milliseconds, as records and progress carry them
/// (`2023-11-14T22:13:20.500Z`).
enum Timestamp {
    /// Written from `gmtime_r`, not with Foundation's ISO 8601 format style:
    /// every page record carries one, and the format style goes through
    /// Foundation's calendar and time zones, whose first use loaded ICU's time
    /// zone data into the daemon (about 2 MB of a job's peak RSS,
    /// docs/benchmarks.md). Milliseconds are cut, not rounded, as the format style does.
    static func iso8601(_ date: Date) -> String {
        let time = date.timeIntervalSince1970
        let whole = time.rounded(.down)
        var seconds = time_t(whole)
        // The fraction apart from the seconds, as the format style cuts it (1e3 × 0.999 is 999
        // in a double, though the fraction of 951868799.999 is 0.99899995…).
        let fraction = min(999, Int(((time - whole) * 1000).rounded(.down)))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func append(_ value: Int, digits: Int, then separator: Character?) {
            let text = String(value)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, digits - text.utf8.count)))
            bytes.append(contentsOf: text.utf8)
            if let separator { bytes.append(contentsOf: separator.utf8) }
        }
        append(Int(fields.tm_year) + 1900, digits: 4, then: "-")
        append(Int(fields.tm_mon) + 1, digits: 2, then: "-")
        append(Int(fields.tm_mday), digits: 2, then: "T")
        append(Int(fields.tm_hour), digits: 2, then: ":")
        append(Int(fields.tm_min), digits: 2, then: ":")
        append(Int(fields.tm_sec), digits: 2, then: ".")
        append(fraction, digits: 3, then: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
