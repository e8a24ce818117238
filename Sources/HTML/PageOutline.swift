internal import CLibXML2
import Glibc

/// The title and links of an HTML page, read by `OutlineScanner` from the bytes, or, where it
/// defers, in one streaming pass of libxml2's HTML parser; never with a tree.
///
/// A crawl job without extraction keeps only these two facts of each page, and libxml2's tree
/// of a page takes many times the page's size (docs/benchmarks.md): with sixteen pages in
/// flight the trees set the daemon's peak memory. This pass holds the page and a few names instead.
///
/// The parser's SAX events are exactly the ones its tree builder is driven by (implied `<html>`,
/// `<head>` and `<body>` included), the input goes through the same UTF-8 preparation
/// (`HTMLCharset.withUTF8`) and the same options, and the facts go through the same rules
/// (`PageRules`), so `title` and `links` equal those of an `HTMLDocument` of the same bytes.
public struct PageOutline: Sendable {
    /// As `HTMLDocument.title`.
    public let title: String?
    /// As `HTMLDocument.links`; resolved when asked, since a `crawl` without
    /// the `links` format needs only the title.
    public var links: [String] { PageRules.links(hrefs: hrefs, base: base) }

    /// Whether `OutlineScanner` read the page; false when libxml2's streaming pass did.
    public let scanned: Bool

    private let hrefs: [String]
    private let base: String?

    /// Reads a body classified `.html` (see `BodyKind.classify`); an empty body has no title
    /// and no links. Never fails: libxml2 recovers from any markup.
    /// - Parameters:
    ///   - bytes: The body as received.
    ///   - contentType: The HTTP `Content-Type` header value; its charset wins over `<meta>`.
    ///   - url: The final URL of the page (after redirects), the base for relative links.
    ///   - scanner: false reads the page with libxml2's pass whatever it holds, so that the
    ///     parity checks (tests, HTMLBench) can hold one reader against the other.
    public init(bytes: some Collection<UInt8>, contentType: String? = nil, url: String? = nil, scanner: Bool = true) {
        _ = HTMLDocument.libxml2Initialised
        let (reading, _) = HTMLCharset.withUTF8(bytes, headerCharset: ContentTypeHeader(contentType).charset) { utf8 -> Reading in
            if scanner, let outline = OutlineScanner.scan(utf8) { return .scanned(outline) }
            clibxml2_silence_errors_on_this_thread()
            let scan = OutlineScan()
            scan.read(utf8)
            return .streamed(scan)
        }
        switch reading {
        case .scanned(let outline):
            title = outline.title
            base = url
            hrefs = outline.hrefs
            scanned = true
        case .streamed(let scan):
            title = PageRules.title(headTitle: scan.headTitle.map(Self.text)) { scan.firstTitle.map(Self.text) }
            base = PageRules.baseURL(headHref: scan.headBase, anyHref: { scan.anyBase }, url: url)
            hrefs = scan.hrefs.hrefs
            scanned = false
        }
    }

    /// Which reader read the page, and what it found.
    private enum Reading {
        case scanned(OutlineScanner.Outline)
        case streamed(OutlineScan)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// The state of one streaming pass: which elements are open and the raw facts found so far.
///
/// A class, because libxml2 calls back with one opaque pointer for the whole parse.
private final class OutlineScan {
    /// The open elements this pass cares about, innermost last; every other one is `.other`.
    private enum Tag {
        case html, head, title, svg, base, anchor, other

        static let keys: [(UInt64, Tag)] = [
            (HTMLDocument.htmlName.key, .html), (HTMLDocument.headName.key, .head), (HTMLDocument.titleName.key, .title),
            (HTMLDocument.svgName.key, .svg), (HTMLDocument.baseName.key, .base), (HTMLDocument.anchorName.key, .anchor),
        ]

        /// The tag of the element the tree builder makes of an element event named `name`.
        /// Every name here is shorter than eight bytes, so equal keys mean equal names.
        init(_ name: UnsafePointer<xmlChar>?) {
            let key = ElementName.key(of: name.map(Self.localName))
            self = Self.keys.first { $0.0 == key }?.1 ?? .other
        }

        /// The name libxml2 2.9's tree gives an element. Its tree builder (`xmlSAX2StartElement`)
        /// splits the parser's name as a qualified one (`xmlSplitQName`): what follows the first
        /// `:` is the name, unless the name starts or ends with `:`, and the prefix, which no
        /// HTML page declares, is dropped, `xml:` and `xmlns:` too (found by fuzzing: `<x:a href>`
        /// is a link, `<o:p>` a paragraph).
        private static func localName(_ name: UnsafePointer<xmlChar>) -> UnsafePointer<xmlChar> {
            guard name[0] != UInt8(ascii: ":") else { return name }
            var colon = 0
            while name[colon] != 0 && name[colon] != UInt8(ascii: ":") { colon += 1 }
            guard name[colon] != 0, name[colon + 1] != 0 else { return name }
            return name + colon + 1
        }
    }

    private var open: [Tag] = []
    private var svgDepth = 0
    /// The title being read: how many elements were open inside it, and which facts it feeds.
    private var capture: (depth: Int, head: Bool, first: Bool)?

    /// The text of the first `<title>` child of `/html/head`.
    private(set) var headTitle: [UInt8]?
    /// The text of the first `<title>` outside SVG.
    private(set) var firstTitle: [UInt8]?
    /// The `href` of the first `<base href>` child of `/html/head`, and of the first anywhere.
    private(set) var headBase: String?
    private(set) var anyBase: String?
    private(set) var hrefs = HrefCollector()

    func read(_ utf8: UnsafeRawBufferPointer) {
        guard let start = utf8.baseAddress?.assumingMemoryBound(to: CChar.self),
            let context = htmlCreateMemoryParserCtxt(start, Int32(clamping: utf8.count))
        else { return }
        defer { htmlFreeParserCtxt(context) }
        // The input is valid UTF-8 (see `HTMLCharset.withUTF8`). A context made this way
        // does not assume so, and would read the first non-ASCII character as Latin-1.
        xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        context.pointee.sax.pointee = Self.handler()
        context.pointee.userData = Unmanaged.passUnretained(self).toOpaque()
        htmlCtxtUseOptions(context, HTMLDocument.parseOptions)
        htmlParseDocument(context)
    }

    /// Only element and text events: no `startDocument`, so libxml2 builds no document at all.
    private static func handler() -> htmlSAXHandler {
        var handler = htmlSAXHandler()
        handler.initialized = 1
        handler.startElement = { context, name, attributes in OutlineScan.scan(context).start(name, attributes) }
        handler.endElement = { context, _ in OutlineScan.scan(context).end() }
        handler.characters = { context, bytes, count in OutlineScan.scan(context).text(bytes, count) }
        handler.cdataBlock = { context, bytes, count in OutlineScan.scan(context).text(bytes, count) }
        return handler
    }

    private static func scan(_ context: UnsafeMutableRawPointer?) -> OutlineScan {
        Unmanaged<OutlineScan>.fromOpaque(context!).takeUnretainedValue()
    }

    private func start(_ name: UnsafePointer<xmlChar>?, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let tag = Tag(name)
        let inHead = open.count == 2 && open[0] == .html && open[1] == .head
        open.append(tag)
        switch tag {
        case .svg:
            svgDepth += 1
        case .title where capture == nil:
            let head = inHead && headTitle == nil
            let first = svgDepth == 0 && firstTitle == nil
            if head { headTitle = [] }
            if first { firstTitle = [] }
            if head || first { capture = (open.count, head, first) }
        case .base:
            guard let href = Self.attribute("href", in: attributes) else { break }
            let value = String(cString: href)
            if inHead && headBase == nil { headBase = value }
            if anyBase == nil { anyBase = value }
        case .anchor:
            if let href = Self.attribute("href", in: attributes) { hrefs.add(value: href) }
        default:
            break
        }
    }

    private func end() {
        guard let tag = open.popLast() else { return }
        if tag == .svg { svgDepth -= 1 }
        if let depth = capture?.depth, open.count < depth { capture = nil }
    }

    private func text(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard let capture, let bytes, count > 0 else { return }
        let chunk = UnsafeBufferPointer(start: bytes, count: Int(count))
        if capture.head { headTitle?.append(contentsOf: chunk) }
        if capture.first { firstTitle?.append(contentsOf: chunk) }
    }

    /// The value of attribute `name` in libxml2's name, value, ..., NULL array; an attribute
    /// written without a value (`<a href>`) has the empty value, as in the tree.
    private static func attribute(_ name: StaticString, in attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> UnsafePointer<xmlChar>? {
        guard let attributes else { return nil }
        var index = 0
        while let attribute = attributes[index] {
            if strcmp(UnsafeRawPointer(attribute).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0 {
                return attributes[index + 1] ?? Self.emptyValue
            }
            index += 2
        }
        return nil
    }

    private static var emptyValue: UnsafePointer<xmlChar> { UnsafePointer(("" as StaticString).utf8Start) }
}
