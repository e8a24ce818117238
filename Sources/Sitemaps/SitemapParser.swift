internal import CLibXML2

/// Reads one sitemap file (sitemaps.org protocol 0.9) with libxml2's
/// streaming reader (`xmlTextReader`), never a tree: memory stays at one
/// chunk of input plus the entries kept, whatever the file's size.
///
/// The protocol's limits are enforced here: at most `maxEntries` entries and
/// `maxBytes` bytes uncompressed per file, gzip or not (`SitemapInput`).
/// Element names are matched by local name, so a sitemap with a missing or
/// odd namespace still reads. No entity is substituted beyond XML's five, no
/// DTD is loaded and nothing is fetched from the network (`XML_PARSE_NONET`).
/// Bounded CPU, synchronous: callers run it off the cooperative pool.
public enum SitemapParser {
    /// Entries per file (sitemaps.org: 50,000 URLs, and as many sitemaps per index).
    public static let maxEntries = 50_000
    /// Uncompressed bytes per file (sitemaps.org: 50 MB, i.e. 52,428,800 bytes).
    public static let maxBytes = 50 * 1024 * 1024
    /// A `<loc>` or `<lastmod>` longer than this is dropped with its entry (URLs
    /// crawld fetches are at most 8 KiB; sitemaps.org allows 2,048 characters).
    public static let maxFieldBytes = 8 * 1024

    /// Parses `body` (XML, or gzip of it).
    /// - Parameters:
    ///   - maxEntries: entries kept before the file counts as too large (tests lower it).
    ///   - maxBytes: uncompressed bytes read before the file counts as too large.
    public static func parse(_ body: [UInt8], maxEntries: Int = maxEntries, maxBytes: Int = maxBytes) -> SitemapDocument {
        let input = SitemapInput(body, maxBytes: maxBytes)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        clibxml2_silence_errors_on_this_thread()
        let context = Unmanaged.passUnretained(input).toOpaque()
        guard let reader = xmlReaderForIO(readInput, nil, context, nil, nil, options) else {
            return SitemapDocument(problem: .malformed)
        }
        defer { xmlFreeTextReader(reader) }
        var walk = SitemapWalk(maxEntries: maxEntries)
        var status: Int32 = 1
        while walk.document.problem == nil {
            status = xmlTextReaderRead(reader)
            guard status == 1 else { break }
            walk.visit(reader)
        }
        withExtendedLifetime(input) {}
        if walk.document.problem == nil, status < 0 {
            walk.document.problem = input.overLimit ? .tooLarge : .malformed
        }
        return walk.document
    }
}

/// libxml2's read callback: pulls from the `SitemapInput` passed as context.
private func readInput(_ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ count: Int32) -> Int32 {
    guard let context, let buffer, count > 0 else { return -1 }
    return Unmanaged<SitemapInput>.fromOpaque(context).takeUnretainedValue().read(into: buffer, count: Int(count))
}

/// The reader's position in the file: which entry and which field it is in.
private struct SitemapWalk {
    let maxEntries: Int
    var document = SitemapDocument()
    /// The entry being read (inside `<url>` or `<sitemap>`).
    var entry: (loc: String?, lastmod: String?, tooLong: Bool)?
    /// The field being read (`loc` or `lastmod`) and its text so far.
    var field: (name: String, text: [UInt8])?

    init(maxEntries: Int) { self.maxEntries = maxEntries }

    mutating func visit(_ reader: xmlTextReaderPtr) {
        let depth = xmlTextReaderDepth(reader)
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue):
            let name = localName(reader)
            let empty = xmlTextReaderIsEmptyElement(reader) == 1
            switch depth {
            case 0:
                switch name {
                case "urlset": document.kind = .urlset
                case "sitemapindex": document.kind = .index
                default: document.problem = .notSitemap
                }
            case 1 where name == (document.kind == .urlset ? "url" : "sitemap"):
                entry = (nil, nil, false)
                if empty { endEntry() }
            case 2 where entry != nil && (name == "loc" || name == "lastmod"):
                field = (name, [])
                if empty { endField() }
            default:
                break
            }
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
            Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
            guard field != nil, let value = xmlTextReaderConstValue(reader) else { return }
            let chunk = String(cString: value).utf8
            guard field!.text.count + chunk.count <= SitemapParser.maxFieldBytes else {
                entry?.tooLong = true
                return
            }
            field!.text.append(contentsOf: chunk)
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
            if depth == 2, field != nil { endField() }
            if depth == 1, entry != nil { endEntry() }
        default:
            break
        }
    }

    private mutating func endField() {
        guard let (name, text) = field else { return }
        field = nil
        let value = String(decoding: text, as: UTF8.self).trimmingXMLSpace()
        if name == "loc" { entry?.loc = value } else { entry?.lastmod = value }
    }

    private mutating func endEntry() {
        guard let current = entry else { return }
        entry = nil
        guard let loc = current.loc, !loc.isEmpty, !current.tooLong else { return }
        guard document.entries.count < maxEntries else {
            document.problem = .tooManyURLs
            return
        }
        document.entries.append(SitemapDocument.Entry(loc: loc, lastmod: current.lastmod.flatMap { $0.isEmpty ? nil : $0 }))
    }

    private func localName(_ reader: xmlTextReaderPtr) -> String {
        guard let name = xmlTextReaderConstLocalName(reader) else { return "" }
        return String(cString: name)
    }
}

extension String {
    /// Without XML's white space (space, tab, CR, LF) at either end.
    func trimmingXMLSpace() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
