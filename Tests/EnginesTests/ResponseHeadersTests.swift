import Engines
import Testing

/// Header names compare as HTTP compares them: ASCII letters without case,
/// every other byte as it is.
@Suite struct ResponseHeadersTests {
    private let headers = ResponseHeaders([
        .init(name: "Content-Type", value: "text/html"),
        .init(name: "set-cookie", value: "a=1"),
        .init(name: "SET-COOKIE", value: "b=2"),
        .init(name: "X-Ünïcode", value: "kept"),
    ])

    @Test func namesMatchWhateverTheCaseOfTheirLetters() {
        #expect(headers.first("content-type") == "text/html")
        #expect(headers.first("CONTENT-TYPE") == "text/html")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
    }

    @Test func otherBytesAndLengthsMustMatchExactly() {
        #expect(headers.first("content-typ") == nil)
        #expect(headers.first("content-types") == nil)
        #expect(headers.first("content_type") == nil)
        #expect(headers.first("x-Ünïcode") == "kept")
        #expect(headers.first("x-ünïcode") == nil, "only ASCII letters fold")
    }
}
