import JSON
import Testing

@Suite struct JSONValueTests {
    @Test func integersAndDoublesStayApart() throws {
        #expect(try JSONValue.parse("1") == .int(1))
        #expect(try JSONValue.parse("1.0") == .double(1.0))
        #expect(try JSONValue.parse("-0") == .int(0))
        #expect(try JSONValue.parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try JSONValue.parse("1e3") == .double(1000))
        #expect(try JSONValue.parse("99999999999999999999") == .double(1e20))
    }

    @Test func integersAtTheEdgesOfInt64() throws {
        #expect(try JSONValue.parse("9223372036854775807") == .int(.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .int(.min))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("-9223372036854775809") == .double(-9_223_372_036_854_775_809))
        #expect(try JSONValue.parse("[-7,0,42]") == [-7, 0, 42])
    }

    @Test func objectsKeepKeyOrder() throws {
        let value = try JSONValue.parse(#"{"z":1,"a":[true,false,null],"m":{"k":"v"}}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "m"])
        #expect(value.encodedString() == #"{"z":1,"a":[true,false,null],"m":{"k":"v"}}"#)
    }

    @Test func stringEscapesRoundTrip() throws {
        let text = #""a\"b\\c\n\t\u0001\u00e9\ud83d\ude00/""#
        let value = try JSONValue.parse(text)
        #expect(value == .string("a\"b\\c\n\t\u{01}é😀/"))
        #expect(try JSONValue.parse(value.encodedString()) == value)
        #expect(value.encodedString() == #""a\"b\\c\n\t\u0001é😀/""#)
    }

    /// Escapes at either end, side by side, and between runs of plain bytes
    /// (the encoder copies the plain runs whole).
    @Test func stringEscapesAtEdgesAndInRuns() {
        #expect(JSONValue.string("\"\r\u{1f}x\\").encodedString() == #""\"\r\u001fx\\""#)
        #expect(JSONValue.string("plain text, é and /").encodedString() == #""plain text, é and /""#)
        #expect(JSONValue.string("").encodedString() == #""""#)
        #expect(JSONValue.array(["a\nb", "c"]).encodedString() == #"["a\nb","c"]"#)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "-", "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "1 2",
        "{\"a\":1,}", "nul", "[1 2]",
    ])
    func malformedTextIsRefused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = [UInt8(ascii: "\""), 0xFF, 0xFE, UInt8(ascii: "\"")]
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
        // A key, and an ASCII prefix before the bad byte, take the same check.
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(#"{"ab"#.utf8) + [0xC3, 0x28] + Array(#"":1}"#.utf8)) }
    }

    @Test func asciiAndMultibyteStringsDecodeAlike() throws {
        #expect(
            try JSONValue.parse(#"{"op":"ping","s":"h\u00e9llo","t":"héllo"}"#)
                == ["op": "ping", "s": "héllo", "t": "héllo"])
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue.parse(fine)) != nil)
    }

    @Test func nonFiniteDoublesEncodeAsNull() {
        #expect(JSONValue.array([.double(.infinity), .double(.nan), .double(-0.0)]).encodedString() == "[null,null,-0.0]")
    }

    @Test func errorsSayWhereAndWhat() {
        #expect(throws: JSONParseError(message: "expected ',' or '}' in an object", offset: 7)) {
            try JSONValue.parse(#"{"a":1 "b":2}"#)
        }
    }
}
