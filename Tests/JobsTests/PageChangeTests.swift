import JSON
import Testing

@testable import Jobs

/// How a recrawl judges a page against the earlier record (issue 23).
@Suite struct PageChangeTests {
    private let earlier = PreviousRecord(
        record: [
            "url": "http://h/a", "status": 200, "etag": "\"e1\"", "last_modified": "Sat, 05 Dec 2026 10:00:00 GMT",
            "content_sha256": "aa", "title": "A", "links": ["http://h/b"], "data": ["k": 1], "markdown": "# A",
        ])!

    private func outcome(_ status: Int?, sha: String? = nil, error: String? = nil) -> PageOutcome {
        var outcome = PageOutcome(status: status, errorCode: error)
        outcome.contentSHA256 = sha
        return outcome
    }

    @Test func a304IsTheEarlierPageUnchanged() {
        let judged = outcome(304).judged(against: earlier)
        #expect(judged.change == .unchanged && judged.status == 304)
        #expect(judged.title == "A" && judged.links == ["http://h/b"] && judged.data == ["k": 1] && judged.formats["markdown"] == "# A")
        #expect(judged.contentSHA256 == "aa" && judged.etag == "\"e1\"" && judged.lastModified == "Sat, 05 Dec 2026 10:00:00 GMT")
    }

    @Test func theBodyHashDecidesWithoutA304() {
        #expect(outcome(200, sha: "aa").judged(against: earlier).change == .unchanged)
        #expect(outcome(200, sha: "bb").judged(against: earlier).change == .changed)
        #expect(outcome(200, sha: "aa").judged(against: nil).change == .new)
    }

    @Test func goneOnlyForAPageThatWasThere() {
        #expect(outcome(404).judged(against: earlier).change == .gone)
        #expect(outcome(410).judged(against: earlier).change == .gone)
        let missing = PreviousRecord(record: ["url": "http://h/a", "status": 404])!
        #expect(outcome(404).judged(against: missing).change == .unchanged)
        #expect(outcome(200, sha: "cc").judged(against: missing).change == .changed)
        #expect(missing.validators == nil, "no validators for a page that was not there")
    }

    @Test func otherFailuresJudgeNothing() {
        #expect(outcome(503).judged(against: earlier).change == nil)
        #expect(outcome(nil, error: "timeout").judged(against: earlier).change == nil)
    }

    @Test func recordsCarryValidatorsHashAndChange() {
        var judged = outcome(200, sha: "bb").judged(against: earlier)
        judged.etag = "\"e2\""
        let record = PageRecord(url: "http://h/a", depth: 0, outcome: judged, fetchedAt: .now).json.objectValue
        #expect(record?["etag"] == "\"e2\"" && record?["content_sha256"] == "bb" && record?["change"] == "changed")
    }
}
