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

    /// A `recrawl: true` job moves its output aside over the `.previous` an earlier recrawl
    /// read: the index goes on reading the file it indexed, not whatever holds its path now.
    @Test func readsTheIndexedFileAfterAnotherTakesItsPath() throws {
        let folder = TemporaryDirectory()
        let path = folder.path + "/site.jsonl.previous"
        try Data((#"{"url":"http://h/a","status":200,"etag":"\"old\""}"# + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let previous = try PreviousOutput(path: path)
        let newer = folder.path + "/site.jsonl"
        try Data((#"{"url":"http://h/b","status":200,"etag":"\"b\""}"# + "\n").utf8).write(to: URL(fileURLWithPath: newer))
        #expect(rename(newer, path) == 0)
        #expect(previous.record(for: "http://h/a")?.etag == "\"old\"")
    }

    /// The index reads a record's URL from the line's head as crawld writes it; one with
    /// escapes, or a key order of another writer, is parsed whole, so it is found all the same.
    @Test func findsURLsWithEscapesAndRecordsOfAnotherKeyOrder() throws {
        let folder = TemporaryDirectory()
        let path = folder.path + "/earlier.jsonl"
        let lines = [
            #"{"url":"http:\/\/h\/caf\u00e9","status":200,"etag":"\"e1\""}"#,
            #"{"status":200,"etag":"\"e2\"","url":"http://h/second"}"#,
            #"{"url":"http://h/third","status":200,"etag":"\"e3\""}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let previous = try PreviousOutput(path: path)
        #expect(previous.count == 3)
        #expect(previous.record(for: "http://h/café")?.etag == "\"e1\"")
        #expect(previous.record(for: "http://h/second")?.etag == "\"e2\"")
        #expect(previous.record(for: "http://h/third")?.etag == "\"e3\"")
    }

    @Test func aMissingFileIsInvalidOutput() {
        #expect(throws: JobError.self) { try PreviousOutput(path: "/nonexistent/earlier.jsonl") }
    }
}
