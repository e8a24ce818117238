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
