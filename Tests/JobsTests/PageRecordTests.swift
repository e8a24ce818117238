import Foundation
import JSON
import Testing

@testable import Jobs

@Suite struct PageRecordTests {
    @Test func recordHasTheDocumentedFieldsInOrder() {
        let outcome = PageOutcome(
            status: 200, finalURL: "http://h/b", title: "B", links: ["http://h/c"], data: ["items": [1, 2]])
        let record = PageRecord(url: "http://h/a", depth: 2, outcome: outcome, fetchedAt: Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(
            record.json.encodedString()
                == #"{"url":"http://h/a","final_url":"http://h/b","status":200,"depth":2,"title":"B","links":["http://h/c"],"data":{"items":[1,2]},"fetched_at":"2023-11-14T22:13:20.500Z","error":null,"etag":null,"last_modified":null,"content_sha256":null}"#
        )
        #expect(record.dataItems == 1)
    }

    /// A page with 100,000 links makes a record of the first 1,000, and says how many were left out.
    @Test func linksAreCappedAndCounted() {
        let links = (0..<100_000).map { "http://h/l/\($0)" }
        let record = PageRecord(url: "http://h/a", depth: 0, outcome: PageOutcome(status: 200, links: links), fetchedAt: Date())
        let object = record.json.objectValue
        #expect(object?["links"]?.arrayValue?.count == PageRecord.linkLimits.count)
        #expect(object?["links"]?.arrayValue?.last?.stringValue == links[PageRecord.linkLimits.count - 1])
        #expect(object?["links_truncated"] == .int(Int64(100_000 - PageRecord.linkLimits.count)))
        let long = (0..<1000).map { "http://h/" + String(repeating: "x", count: 1000) + "/\($0)" }
        let byBytes = PageRecord(url: "http://h/a", depth: 0, outcome: PageOutcome(status: 200, links: long), fetchedAt: Date()).json.objectValue
        let kept = byBytes?["links"]?.arrayValue?.count ?? 0
        #expect(kept > 0 && kept < 1000 && byBytes?["links_truncated"] == .int(Int64(1000 - kept)))
        #expect(PageRecord(url: "http://h/a", depth: 0, outcome: PageOutcome(status: 200, links: ["http://h/b"]), fetchedAt: Date()).json.objectValue?["links_truncated"] == nil)
    }

    @Test func failedPageCarriesItsError() {
        let outcome = PageOutcome(errorCode: "timeout", errorMessage: "no answer in 30000 ms")
        let record = PageRecord(url: "http://h/a", depth: 0, outcome: outcome, fetchedAt: Date(timeIntervalSince1970: 0))
        let object = record.json.objectValue
        #expect(object?["status"] == .null && object?["final_url"] == "http://h/a")
        #expect(object?["error"] == ["code": "timeout", "message": "no answer in 30000 ms"])
        #expect(!outcome.succeeded && PageOutcome(status: 404).succeeded == false && PageOutcome(status: 301).succeeded)
    }

    @Test func progressAndEventsUseProtocolFieldNames() {
        var progress = JobProgress(job: "j-abcdef", output: "a.jsonl")
        progress.total = 8
        progress.crawled = 2
        progress.state = .running
        let keys = Array(JobEvent.progress(progress).json.keys)
        #expect(
            keys == [
                "event", "job", "total", "crawled", "succeeded", "failed", "current_url", "stage", "data_items", "percent",
                "runtime_s", "started_at", "last_success_at", "error_count", "state", "skipped", "urls_dropped", "output",
            ])
        #expect(progress.json["percent"] == 25.0)
        #expect(JobEvent.summary(progress).json["event"] == nil)
        #expect(JobEvent.page(job: "j-abcdef", record: PageRecord(url: "u", depth: 0, outcome: PageOutcome(), fetchedAt: Date())).json["event"] == "page")
    }
}
