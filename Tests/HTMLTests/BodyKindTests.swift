import HTML
import Testing

@Suite struct BodyKindTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)

    @Test(
        arguments: [
            ("text/html; charset=utf-8", Array("<!doctype html><p>x".utf8), BodyKind.html),
            ("application/xhtml+xml", Array("<html/>".utf8), .html),
            ("text/html", png, .image),
            ("text/html", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), .image),
            ("text/html", [0, 0, 0, 0x1C] + Array("ftypavif".utf8), .image),
            ("text/html", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8), .binary),
            ("text/html", Array("%PDF-1.7\n".utf8), .pdf),
            ("text/html", [0x1F, 0x8B, 0x08, 0x00], .binary),
            ("text/html", Array("abc".utf8) + [0, 1, 2, 3], .binary),
            ("text/html", [], .html),
            ("application/json", Array(#"{"a": 1}"#.utf8), .json),
            ("application/ld+json", Array("[]".utf8), .json),
            ("text/plain", Array("hello".utf8), .text),
            ("text/css", Array("p{}".utf8), .text),
            ("image/svg+xml", Array("<svg/>".utf8), .image),
            ("application/pdf", Array("whatever".utf8), .pdf),
            ("application/octet-stream", Array("  <!DOCTYPE HTML>".utf8), .html),
            (nil, Array("\u{FEFF}<html><body>".utf8), .html),
            (nil, Array(#"{"json": true}"#.utf8), .json),
            (nil, Array("plain words".utf8), .text),
            (nil, Array("GIF89a....".utf8), .image),
        ] as [(String?, [UInt8], BodyKind)])
    func classify(contentType: String?, body: [UInt8], expected: BodyKind) {
        #expect(BodyKind.classify(contentType: contentType, body: body) == expected)
    }

    @Test func contentTypeParsing() {
        let type = ContentTypeHeader("Text/HTML ;  Charset = \"ISO-8859-1\" ; q=1")
        #expect(type.mediaType == "text/html")
        #expect(type.charset == "iso-8859-1")
        #expect(type.isHTML)
        #expect(ContentTypeHeader(nil).mediaType.isEmpty)
        #expect(ContentTypeHeader("text/plain").charset == nil)
    }
}
