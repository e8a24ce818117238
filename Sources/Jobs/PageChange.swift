import JSON

/// How a page of a recrawl compares with the earlier job's record of it (`change` in its record).
public enum PageChange: String, Sendable, Equatable {
    /// No earlier record of this URL.
    case new
    /// A body whose SHA-256 differs from the earlier one's, or a status that went from failing to working.
    case changed
    /// A 304 to the earlier validators, or the same body hash as before.
    case unchanged
    /// 404 or 410 for a URL whose earlier record was a success.
    case gone
}

/// What a recrawl needs of the earlier record of a URL: its validators, its
/// body hash, and what a 304 leaves the page without (title, links, data,
/// formats), which the new record carries over.
public struct PreviousRecord: Sendable, Equatable {
    public var status: Int?
    public var etag: String?
    public var lastModified: String?
    public var contentSHA256: String?
    public var title: String?
    public var links: [String]
    public var data: JSONValue?
    public var formats: JSONObject

    /// Reads the fields of a record object; nil when it has no `url`.
    init?(record o: JSONObject) {
        guard o["url"]?.stringValue != nil else { return nil }
        status = o["status"]?.intValue.map { Int($0) }
        etag = o["etag"]?.stringValue
        lastModified = o["last_modified"]?.stringValue
        contentSHA256 = o["content_sha256"]?.stringValue
        title = o["title"]?.stringValue
        links = o["links"]?.arrayValue?.compactMap(\.stringValue) ?? []
        data = o["data"].flatMap { $0 == .null ? nil : $0 }
        formats = [:]
        for key in ["text", "markdown", "fit_markdown"] { if let value = o[key] { formats[key] = value } }
    }

    /// Whether the earlier fetch worked (2xx or 3xx).
    var succeeded: Bool { status.map { $0 < 400 } ?? false }

    /// Validators are sent only for a page that was there, and a 304 only means something then.
    public var validators: (etag: String?, lastModified: String?)? {
        guard succeeded, etag != nil || lastModified != nil else { return nil }
        return (etag, lastModified)
    }
}

extension PageOutcome {
    /// The outcome with its `change` against `previous` (nil: the URL is new).
    ///
    /// A 304 becomes the earlier page again (its title, links, data, formats,
    /// body hash and any validator the 304 left out), so the job follows its
    /// links as before and a full output stays a full snapshot. A failure other
    /// than 404/410 (5xx, a timeout) judges nothing: its `change` stays nil.
    func judged(against previous: PreviousRecord?) -> PageOutcome {
        var outcome = self
        guard let previous else {
            outcome.change = .new
            return outcome
        }
        if status == 304, previous.succeeded {
            outcome.change = .unchanged
            outcome.title = previous.title
            outcome.links = previous.links
            outcome.data = previous.data
            outcome.formats = previous.formats.merging(formats) { earlier, _ in earlier }
            outcome.contentSHA256 = previous.contentSHA256
            outcome.etag = etag ?? previous.etag
            outcome.lastModified = lastModified ?? previous.lastModified
            return outcome
        }
        if status == 404 || status == 410 {
            outcome.change = previous.succeeded ? .gone : .unchanged
        } else if succeeded {
            let same = previous.succeeded && contentSHA256 != nil && contentSHA256 == previous.contentSHA256
            outcome.change = same ? .unchanged : .changed
        }
        return outcome
    }
}
