/// What a fetched body is, decided from its `Content-Type` and its first bytes.
///
/// The crawl path calls `BodyKind.classify` before anything else and builds an `HTMLDocument`
/// only for `.html`, so binary data is never fed to the parser as if it were a page (a PNG served
/// as `text/html` is `.image`). Magic numbers win over the header: servers lie, files do not.
///
/// What the extractor sees for each kind (the contract Scripting implements):
/// - `.html`: `doc` is the parsed document; `page.kind == "html"`.
/// - `.json`: no `doc` (`nil` in Lua); `page.kind == "json"` and `page.json` holds the parsed value
///   (or `page.text` with the raw text when it does not parse).
/// - `.text` (plain text, CSS, JavaScript, XML feeds): no `doc`; `page.kind == "text"`, `page.text`
///   holds the body decoded as UTF-8 (charset from the header, invalid bytes replaced).
/// - `.image`, `.pdf`, `.binary`: no `doc`, no text; `page.kind` names the kind and
///   `page.content_type` / `page.size` describe it. The default handler returns just those.
public enum BodyKind: String, Sendable, CaseIterable {
    case html, json, text, image, pdf, binary

    /// Classifies a body.
    /// - Parameters:
    ///   - contentType: The `Content-Type` header value, nil when the server sent none.
    ///   - body: The body bytes (only the first 512 are looked at). An array,
    ///     not any collection: a generic parameter stays unspecialized across
    ///     the module boundary, and every page paid for it (1% of a job page's CPU).
    public static func classify(contentType: String?, body: [UInt8]) -> BodyKind {
        let head = body.prefix(512)
        if let magic = magic(head) { return magic }
        let type = ContentTypeHeader(contentType).mediaType
        let looksBinary = isBinary(head)
        switch type {
        case "text/html", "application/xhtml+xml":
            return looksBinary ? .binary : .html
        case "application/json", "text/json":
            return looksBinary ? .binary : .json
        case "application/pdf":
            return .pdf
        default:
            break
        }
        if type.hasSuffix("+json") { return looksBinary ? .binary : .json }
        if type.hasPrefix("image/") { return .image }
        if looksBinary { return .binary }
        if type.hasPrefix("text/") || type.hasSuffix("+xml") || type == "application/xml" || type == "application/javascript" {
            return .text
        }
        return sniffText(head)
    }

    /// Formats recognised by their first bytes.
    private static func magic(_ head: ArraySlice<UInt8>) -> BodyKind? {
        for (signature, kind) in signatures where head.starts(with: signature) {
            if signature == bitmap && head.count < 26 { continue }
            return kind
        }
        guard head.count >= 12 else { return nil }
        if head.starts(with: "RIFF".utf8), head[8..<12].elementsEqual("WEBP".utf8) { return .image }
        if head[4..<8].elementsEqual("ftyp".utf8) { return .image } // AVIF, HEIC, MP4
        return nil
    }

    private static let bitmap = Array("BM".utf8)

    /// Built once: every crawled page is checked against them.
    private static let signatures: [([UInt8], BodyKind)] = [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .image), // PNG
        ([0xFF, 0xD8, 0xFF], .image), // JPEG
        (Array("GIF87a".utf8), .image), (Array("GIF89a".utf8), .image),
        ([0x00, 0x00, 0x01, 0x00], .image), // ICO
        (bitmap, .image),
        (Array("%PDF-".utf8), .pdf),
        ([0x50, 0x4B, 0x03, 0x04], .binary), // ZIP, docx, jar
        ([0x1F, 0x8B], .binary), // gzip
        ([0x00, 0x61, 0x73, 0x6D], .binary), // wasm
        (Array("\u{7F}ELF".utf8), .binary),
    ]

    /// Control bytes that never occur in text (NUL and most C0 codes), as WHATWG's sniffing uses.
    private static func isBinary(_ head: ArraySlice<UInt8>) -> Bool {
        if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) { return false } // UTF-16 text
        return head.contains { $0 < 0x09 || $0 == 0x0B || ($0 > 0x0D && $0 < 0x1B) || ($0 > 0x1B && $0 < 0x20) }
    }

    /// With no useful header: markup that starts like HTML is HTML, `{` or `[` is JSON, else text.
    private static func sniffText(_ head: ArraySlice<UInt8>) -> BodyKind {
        var text = String(decoding: head, as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }.lowercased()
        text = String(text.prefix(14))
        let htmlStarts = ["<!doctype html", "<html", "<head", "<body", "<!--", "<title", "<meta", "<div", "<p>", "<p ", "<script"]
        if htmlStarts.contains(where: { text.hasPrefix($0) }) { return .html }
        if text.hasPrefix("{") || text.hasPrefix("[") { return .json }
        return .text
    }
}
