import HTML
import Testing

@Suite struct BadInputTests {
    @Test func hundredThousandNestedTags() throws {
        let depth = 100_000
        let html = "<html><body>" + String(repeating: "<div>", count: depth) + "<a href=\"/deep\">deep text</a>"
        let document = try Fixtures.parse(html)
        #expect(try document.xpath("count(//div)") == .number(Double(depth)))
        #expect(document.visibleText() == "deep text")
        #expect(document.links == ["https://example.org/deep"])
        #expect(document.markdown() == "[deep text](https://example.org/deep)\n")
        #expect(try document.select("div > a").count == 1)
        #expect(try document.select("body > div").first?.html.count ?? 0 > depth * 11)
    }

    @Test func hundredThousandNestedInlineAndListTags() throws {
        for tag in ["span", "b", "ul", "blockquote", "table"] {
            let html = String(repeating: "<\(tag)>", count: 100_000) + "x"
            let document = try Fixtures.parse(html)
            #expect(document.visibleText() == "x", "\(tag)")
            #expect(document.markdown().contains("x"), "\(tag)")
        }
    }

    @Test func fiftyMegabytePage() throws {
        var html = "<html><head><title>Big</title></head><body>"
        let chunk = "<div class=\"row\"><p>Paragraph with <a href=\"/p?i=1\">a link</a> and some text.</p></div>\n"
        html.reserveCapacity(50_000_000 + chunk.utf8.count)
        while html.utf8.count < 50_000_000 { html += chunk }
        let document = try Fixtures.parse(html + "<p id=\"end\">the end</p>")
        #expect(document.title == "Big")
        #expect(document.links == ["https://example.org/p?i=1"])
        #expect(try document.select("#end").map(\.textContent) == ["the end"])
    }

    @Test func oneHugeTextNode() throws {
        let text = String(repeating: "word ", count: 3_000_000)
        let document = try Fixtures.parse("<p>\(text)</p><p>after</p>")
        #expect(try document.select("p").count == 2)
        #expect(try document.select("p:last-child").first?.textContent == "after")
    }

    @Test func binaryBytesAndNULsDoNotCrashTheParser() throws {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var state: UInt32 = 12345
        for _ in 0..<100_000 {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        #expect(BodyKind.classify(contentType: "text/html", body: bytes) == .image)
        let document = try HTMLDocument(bytes: bytes, contentType: "text/html")
        _ = document.visibleText()
        _ = document.markdown()
        #expect(document.title == nil)
    }
}

@Suite struct BodyKindTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)

    @Test(arguments: [
        ("text/html; charset=utf-8", Array("<!doctype html><p>x".utf8), BodyKind.html),
        ("application/xhtml+xml", Array("<html/>".utf8), .html),
        ("text/html", png, .image),
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
        let type = ContentType("Text/HTML ;  Charset = \"ISO-8859-1\" ; q=1")
        #expect(type.mediaType == "text/html")
        #expect(type.charset == "iso-8859-1")
        #expect(type.isHTML)
        #expect(ContentType(nil).mediaType.isEmpty)
        #expect(ContentType("text/plain").charset == nil)
    }
}
