import HTML
import Testing

@Suite struct EncodingTests {
    @Test func metaCharsetIsHonoured() throws {
        let document = try Fixtures.document("windows-1252.html", contentType: "text/html")
        #expect(document.encoding == "windows-1252")
        #expect(document.encodingSource == "meta")
        #expect(document.title == "Café – “quoted”")
        #expect(document.visibleText() == "Naïve résumé €5")
    }

    /// The `http-equiv` form, in capitals and with spaces around `=`, as old pages write it.
    @Test func httpEquivCharsetIsFoundInAnyCase() throws {
        let head = #"<HEAD><META NAME="x" CONTENT="charsets"><META HTTP-EQUIV="Content-Type" CONTENT="text/html; CHARSET = 'Windows-1252'">"#
        let bytes = Array(head.utf8) + [0x3C, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x3E, 0x43, 0x61, 0x66, 0xE9] // <title>Caf\xE9
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html")
        #expect(document.encoding == "windows-1252")
        #expect(document.encodingSource == "meta")
        #expect(document.title == "Café")
    }

    @Test func headerCharsetWinsOverMeta() throws {
        let bytes = Array(#"<meta charset="windows-1252"><title>Zürich</title>"#.utf8)
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html; charset=\"UTF-8\"")
        #expect(document.encodingSource == "header")
        #expect(document.title == "Zürich")
    }

    @Test func noDeclarationMeansUTF8() throws {
        let document = try HTMLDocument(bytes: Array("<title>日本語 ümlaut</title>".utf8))
        #expect(document.encoding == "utf-8")
        #expect(document.encodingSource == "default")
        #expect(document.title == "日本語 ümlaut")
    }

    @Test func wrongCharsetStillParses() throws {
        // UTF-8 bytes declared as Latin-1: mojibake, but every element survives.
        let bytes = Array("<title>café</title><p>one</p><p>two</p>".utf8)
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html; charset=iso-8859-1")
        #expect(document.encoding == "windows-1252")
        #expect(document.title == "cafÃ©")
        #expect(try document.select("p").count == 2)
    }

    @Test func unknownCharsetFallsBackToUTF8() throws {
        let document = try HTMLDocument(bytes: Array("<title>ünknown</title>".utf8), contentType: "text/html; charset=x-no-such")
        #expect(document.encoding == "utf-8")
        #expect(document.title == "ünknown")
    }

    @Test func invalidUTF8DoesNotStopTheParse() throws {
        var bytes = Array("<title>bad ".utf8) + [0xFF, 0xC3, 0x28, 0xE2, 0x82] + Array(" byte</title>".utf8)
        bytes += Array("<p>é after</p><p>last</p>".utf8)
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html; charset=utf-8")
        #expect(document.title == "bad \u{FFFD}\u{FFFD}(\u{FFFD} byte")
        #expect(try document.select("p").map(\.textContent) == ["é after", "last"])
    }

    @Test func invalidBytesInLegacyCharsetAreReplaced() throws {
        let bytes = Array("<title>a".utf8) + [0x82, 0xA0] + Array("b</title><p>z</p>".utf8)
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html; charset=shift_jis")
        #expect(document.encoding == "shift_jis")
        #expect(document.title?.hasPrefix("a") == true && document.title?.hasSuffix("b") == true)
        #expect(try document.select("p").map(\.textContent) == ["z"])
    }

    @Test func utf16WithBOM() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<title>wide ☃</title>".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html")
        #expect(document.encodingSource == "bom")
        #expect(document.title == "wide ☃")
    }
}

@Suite struct UTF8ValidationTests {
    @Test(
        arguments: [
            ([0xC0, 0xAF], "overlong"), ([0xED, 0xA0, 0x80], "surrogate"), ([0xF4, 0x90, 0x80, 0x80], "above U+10FFFF"),
            ([0xF0, 0x9F, 0x98], "truncated"), ([0x80], "stray continuation"), ([0xE0, 0x80, 0x80], "overlong three bytes"),
        ] as [([UInt8], String)])
    func invalidSequencesAreReplaced(sequence: [UInt8], label: String) throws {
        let bytes = Array("<title>a".utf8) + sequence + Array("b</title><p>é 😀</p>".utf8)
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html; charset=utf-8")
        let title = try #require(document.title, "\(label)")
        #expect(title.hasPrefix("a\u{FFFD}") && title.hasSuffix("\u{FFFD}b"), "\(label)")
        #expect(try document.select("p").map(\.textContent) == ["é 😀"], "\(label)")
    }

    @Test func validMultibyteTextIsUnchanged() throws {
        let text = "ASCII then é, €, 日本, 😀 and U+10FFFF \u{10FFFF} end"
        let document = try HTMLDocument(bytes: Array("<title>\(text)</title>".utf8))
        #expect(document.title == text)
    }
}
