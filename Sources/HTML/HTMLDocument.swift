internal import CLibXML2

/// An HTML page parsed once by libxml2, queried many times (XPath, CSS, links, text, Markdown).
///
/// Owns the `htmlDocPtr` and, once XPath is used, an `xmlXPathContextPtr`; both are freed in `deinit`, so memory goes
/// back as soon as the last reference (the document or one of its `HTMLNode`s) is dropped.
/// Not `Sendable`: a document belongs to the one request task that parsed it and is never touched
/// from an event loop. Every `HTMLNode` holds a strong reference to its document, so a node can
/// never outlive the tree it points into; a Lua binding that must invalidate handles after a call
/// keeps its own per-call table of nodes (see `HTMLNode`).
///
/// Parsing never fails on bad markup: libxml2 recovers, never touches the network, prints nothing.
/// `HTML_PARSE_HUGE` is on, so neither nesting depth nor text-node size truncates a page (without
/// it libxml2 2.9 silently drops everything after the 256th nested tag). Deep trees are safe
/// because libxml2's parser, XPath, serialiser and `xmlFreeDoc` are iterative there, and every
/// walk of this module is iterative too (`HTMLDocument+Walk.swift`).
public final class HTMLDocument {
    let document: htmlDocPtr
    /// Made at the first XPath query: most pages never need one (selectors and metadata are
    /// matched natively), and creating it is a measurable part of parsing a small page.
    private var xpathContextStorage: xmlXPathContextPtr?

    /// The URL the page was fetched from (after redirects), if given; links resolve against it.
    public let url: String?
    /// The encoding the body was decoded with (`utf-8`, `windows-1252`, ...).
    public let encoding: String
    /// Where `encoding` came from: `bom`, `header`, `meta` or `default`.
    public let encodingSource: String
    /// Every element, for whole-document selectors and metadata; built at the first such query
    /// (the tree never changes after the parse, so it stays right).
    lazy var elementIndex = ElementIndex(document: documentNode)

    /// libxml2 options: recover from any markup, no network, no error output, compact text nodes,
    /// no depth or size limits, and ignore `<meta charset>` because the input is already UTF-8.
    static let parseOptions = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
            | UInt32(XML_PARSE_HUGE.rawValue))

    /// Parses an HTML body.
    ///
    /// Call `BodyKind.classify` first: only bodies classified `.html` are pages. An empty body
    /// gives an empty document (no title, no links, empty text), not an error.
    /// - Parameters:
    ///   - bytes: The body as received.
    ///   - contentType: The HTTP `Content-Type` header value; its charset wins over `<meta>`.
    ///   - url: The final URL of the page (after redirects), the base for relative links.
    /// - Throws: `HTMLError` with code `.parseFailed` only if libxml2 cannot allocate a document.
    public init(bytes: some Collection<UInt8>, contentType: String? = nil, url: String? = nil) throws(HTMLError) {
        _ = Self.libxml2Initialised
        clibxml2_silence_errors_on_this_thread()
        let (read, charset) = HTMLCharset.withUTF8(bytes, headerCharset: ContentTypeHeader(contentType).charset) {
            Self.parse($0, url: url)
        }
        // libxml2 returns no document for input without any node (empty or blank): that is an
        // empty page, not an error.
        guard let parsed = read ?? htmlNewDocNoDtD(nil, nil) else { throw HTMLError(.parseFailed, message: "libxml2 returned no document") }
        self.document = parsed
        self.url = url
        self.encoding = charset.name
        self.encodingSource = charset.source
    }

    /// The XPath context over this document, created on first use with a silent error handler.
    func xpathContext() throws(HTMLError) -> xmlXPathContextPtr {
        if let xpathContextStorage { return xpathContextStorage }
        let context = try newXPathContext()
        xpathContextStorage = context
        return context
    }

    /// A new XPath context over this document with a silent error handler and the operation
    /// limit set; the caller's to free.
    func newXPathContext() throws(HTMLError) -> xmlXPathContextPtr {
        guard let context = xmlXPathNewContext(document) else {
            throw HTMLError(.parseFailed, message: "libxml2 could not create an XPath context")
        }
        context.pointee.error = { _, _ in }
        context.pointee.opLimit = Self.xpathOperationLimit
        return context
    }

    /// libxml2's global initialisation, run once (lazily, thread-safely) before the first parse.
    static let libxml2Initialised: Void = xmlInitParser()

    deinit {
        if let xpathContextStorage { xmlXPathFreeContext(xpathContextStorage) }
        xmlFreeDoc(document)
    }

    /// Parses through libxml2's reader interface (`htmlReadIO`, the path `htmlReadFd` takes), which
    /// pulls the page in pieces of a few KB into a window it slides as it parses.
    ///
    /// Why: `htmlReadMemory` copies the whole body into a buffer that doubles as it fills, and the
    /// copy stays until the tree is finished: for the largest page of python3.11-doc (2.6 MB) it
    /// was 5 MB of a job's peak heap, beside a 27 MB tree (docs/benchmarks.md, "the trees' gate
    /// weighs attributes; libxml2 reads the page in pieces").
    ///
    /// The encoding is named (`UTF-8`, which the body always is by now): unnamed, libxml2 2.9 takes
    /// a character split between two pieces for an encoding error and reads the rest of the page
    /// as Latin-1. Named, its UTF-8 reader carries a split character over, and the tree is the one
    /// `htmlReadMemory` builds, node for node (`Benchmarks/scripts/tree_memory.py` serialises and
    /// compares both on every page of the two docs corpora).
    private static func parse(_ utf8: UnsafeRawBufferPointer, url: String?) -> htmlDocPtr? {
        var unread = utf8
        return withUnsafeMutablePointer(to: &unread) { context in
            htmlReadIO(
                { context, buffer, length in
                    guard let context, let buffer, length >= 0 else { return -1 }
                    let unread = context.assumingMemoryBound(to: UnsafeRawBufferPointer.self)
                    let count = min(Int(length), unread.pointee.count)
                    guard count > 0, let start = unread.pointee.baseAddress else { return 0 }
                    UnsafeMutableRawPointer(buffer).copyMemory(from: start, byteCount: count)
                    unread.pointee = UnsafeRawBufferPointer(rebasing: unread.pointee[count...])
                    return Int32(count)
                },
                nil, context, url, "UTF-8", parseOptions)
        }
    }

    /// The document node itself, as the node type walks and XPath contexts take (libxml2's
    /// `xmlDoc` starts with the same fields as `xmlNode`).
    var documentNode: xmlNodePtr {
        UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self)
    }

    /// The `<html>` element (libxml2 creates one for any non-empty input), nil for an empty body.
    public var root: HTMLNode? {
        xmlDocGetRootElement(document).map { HTMLNode(document: self, pointer: $0) }
    }

    /// The `<body>` element, falling back to the root when there is none (a frameset page).
    public var body: HTMLNode? {
        guard let root else { return nil }
        return root.children.first { $0.name == "body" } ?? root
    }
}

/// A document is confined to the task that parsed it; its C pointers are not thread-safe.
@available(*, unavailable)
extension HTMLDocument: Sendable {}
