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
