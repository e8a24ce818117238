import Foundation
import JSON
import Testing

@testable import Jobs

/// A recrawl's index of the earlier output (issue 23): records read back from disk by URL.
@Suite struct PreviousOutputTests {
    @Test func readsEachURLsRecordBackAndIgnoresACutLine() throws {
        let folder = TemporaryDirectory()
        let path = folder.path + "/earlier.jsonl"
        let lines = (0..<500).map { #"{"url":"http://h/\#($0)","status":200,"etag":"\"e\#($0)\"","content_sha256":"s\#($0)","links":["http://h/x"]}"# }
        try Data((lines.joined(separator: "\n") + "\n" + #"{"url":"http://h/cut","status":2"#).utf8).write(to: URL(fileURLWithPath: path))
        let previous = try PreviousOutput(path: path)
        #expect(previous.count == 500)
        let record = try #require(previous.record(for: "http://h/321"))
        #expect(record.etag == "\"e321\"" && record.contentSHA256 == "s321" && record.links == ["http://h/x"] && record.status == 200)
        #expect(previous.record(for: "http://h/cut") == nil && previous.record(for: "http://h/500") == nil)
    }

    @Test func aMissingFileIsInvalidOutput() {
        #expect(throws: JobError.self) { try PreviousOutput(path: "/nonexistent/earlier.jsonl") }
    }
}
