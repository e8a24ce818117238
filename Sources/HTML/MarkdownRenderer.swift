internal import CLibXML2

/// Turns a subtree into Markdown in one iterative walk (a `NodeVisitor`), for people and LLMs.
///
/// Two stacks carry the structure instead of recursion. `containers` are block prefixes
/// (`> ` for quotes, `- ` / `1. ` then indentation for list items) applied to every emitted line.
/// `frames` are open inline constructs (link, emphasis, heading, table cell): each records where
/// its text starts in the inline buffer, and on exit wraps what was written since (so a paragraph
/// with many links costs linear time). At most `maximumNesting` frames are open; deeper inline
/// elements are transparent, so 100,000 nested `<b>` cost linear time too. While a frame
/// is open, block elements are flattened to spaces, so `<a><h3>T</h3><p>d</p></a>` becomes
/// `[T d](url)` and table cells stay on one line. Only the outermost table is a table; tables
/// nested in cells are flattened. Nesting of quotes and lists stops adding prefixes beyond
/// `maximumNesting`, so 100,000 nested lists cost linear output, not quadratic.
struct MarkdownRenderer: NodeVisitor {
    static let maximumNesting = 32

    struct Container {
        let owner: xmlNodePtr
        let first: String
        let rest: String
        var used = false
    }

    enum FrameKind {
        case link(String?), emphasis(String), heading(Int), cell(header: Bool), caption
    }

    struct Frame {
        let owner: xmlNodePtr
        let kind: FrameKind
        /// Offset in UTF-8 bytes of the frame's first character in `inline`.
        let start: Int
    }

    struct ListState {
        let owner: xmlNodePtr
        let ordered: Bool
        var next: Int
    }

    let baseURL: String?
    var output = ""
    var inline = ""
    var containers: [Container] = []
    var frames: [Frame] = []
    var lists: [ListState] = []
    var table: TableState?
    var tableDepth = 0
    /// Whether the last emitted block sat in a list item (consecutive ones stay tight).
    var previousInList = false

    init(baseURL: String?) {
        self.baseURL = baseURL
    }

    // MARK: - Walk

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            appendText(node.pointee.content)
            return false
        case XML_ELEMENT_NODE:
            return enterElement(node, HTMLDocument.tagName(node))
        default:
            return false
        }
    }

    mutating func exit(_ node: xmlNodePtr) {
        guard node.pointee.type == XML_ELEMENT_NODE else { return }
        if let frame = frames.last, frame.owner == node {
            closeFrame()
            return
        }
        let name = HTMLDocument.tagName(node)
        if table?.owner == node {
            finishTable()
            return
        }
        if name == "table" { tableDepth -= 1 }
        if name == "tr", table != nil, tableDepth == 1, frames.isEmpty {
            table?.finishRow()
            return
        }
        if lists.last?.owner == node { lists.removeLast() }
        let ownsContainer = containers.last?.owner == node
        if name != "br" && HTMLDocument.blockElements.contains(name) {
            if isFlat { inline += " " } else { endBlock() }
        }
        if ownsContainer { containers.removeLast() }
    }

    /// Whether blocks are flattened to spaces here: inside an inline frame or a nested table.
    var isFlat: Bool { !frames.isEmpty || tableDepth > 0 && table == nil }

    private mutating func enterElement(_ node: xmlNodePtr, _ name: String) -> Bool {
        if HTMLDocument.hiddenElements.contains(name) { return false }
        let flat = isFlat
        switch name {
        case "a":
            let href = attribute(node, "href").flatMap { href in
                href.hasPrefix("#") ? nil : URLResolver.resolve(href, against: baseURL, keepFragment: true)
            }
            openFrame(node, .link(href))
        case "strong", "b":
            openFrame(node, .emphasis("**"))
        case "em", "i":
            openFrame(node, .emphasis("*"))
        case "code", "kbd", "samp", "tt":
            appendCode(node)
            return false
        case "img":
            if let alt = attribute(node, "alt") { appendText(alt) }
        case "br":
            if flat { inline += " " } else { inline += "\n" }
        case "pre":
            if flat { appendCode(node) } else { emitCodeBlock(node) }
            return false
        case "h1", "h2", "h3", "h4", "h5", "h6":
            if flat {
                inline += " "
            } else {
                endBlock()
                openFrame(node, .heading(Int(name.dropFirst())!))
            }
        case "hr":
            if !flat {
                endBlock()
                emitBlock(["---"])
            }
        case "table":
            return enterTable(node)
        case "tr", "td", "th", "caption", "thead", "tbody", "tfoot":
            enterTablePart(node, name)
        case "ul", "ol":
            if flat {
                inline += " "
            } else {
                endBlock()
                let start = name == "ol" ? attribute(node, "start").flatMap { Int($0) } ?? 1 : 1
                lists.append(ListState(owner: node, ordered: name == "ol", next: start))
            }
        case "li":
            if flat { inline += " " } else { enterListItem(node) }
        case "blockquote":
            if flat {
                inline += " "
            } else {
                endBlock()
                if containers.count < Self.maximumNesting { containers.append(Container(owner: node, first: "> ", rest: "> ")) }
            }
        default:
            if HTMLDocument.blockElements.contains(name) {
                if flat { inline += " " } else { endBlock() }
            }
        }
        return true
    }

    private mutating func enterListItem(_ node: xmlNodePtr) {
        endBlock()
        guard containers.count < Self.maximumNesting else { return }
        var marker = "- "
        if let index = lists.indices.last, lists[index].ordered {
            marker = "\(lists[index].next). "
            lists[index].next += 1
        }
        containers.append(Container(owner: node, first: marker, rest: String(repeating: " ", count: marker.count)))
    }

    // MARK: - Inline

    /// Appends text with whitespace collapsed and Markdown's inline markers escaped.
    mutating func appendText(_ text: UnsafePointer<xmlChar>?) {
        guard let text else { return }
        appendText(UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text))))
    }

    mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { appendText($0) }
    }

    /// Works on UTF-8 bytes and appends unchanged runs whole: this is the hot loop of Markdown.
    private mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            let isSpace = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
            let isMarker = byte == UInt8(ascii: "*") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            guard isSpace || isMarker else { continue }
            if runStart < index { inline += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self) }
            runStart = index + 1
            if isMarker {
                inline += "\\" + String(UnicodeScalar(byte))
            } else if let last = inline.utf8.last, last != 0x20, last != 0x0A {
                inline += " "
            }
        }
        if runStart < bytes.count { inline += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart...]), as: UTF8.self) }
    }

    /// Appends the text of `node` as an inline code span, fenced with enough backticks.
    private mutating func appendCode(_ node: xmlNodePtr) {
        let code = HTMLNode.content(of: node).collapsingWhitespace()
        guard !code.isEmpty else { return }
        let fence = String(repeating: "`", count: Self.longestRun(of: "`", in: code) + 1)
        let pad = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
        inline += fence + pad + code + pad + fence
    }

    mutating func openFrame(_ node: xmlNodePtr, _ kind: FrameKind) {
        guard frames.count < Self.maximumNesting else { return }
        frames.append(Frame(owner: node, kind: kind, start: inline.utf8.count))
    }

    /// Closes the innermost frame: takes its text out of `inline`, wraps it, and puts it back.
    mutating func closeFrame() {
        let frame = frames.removeLast()
        let start = inline.utf8.index(inline.utf8.startIndex, offsetBy: frame.start)
        let raw = inline[start...]
        let inner = raw.collapsingWhitespace()
        let leading = raw.first?.isWhitespace == true && !inner.isEmpty ? " " : ""
        let trailing = raw.last?.isWhitespace == true && !inner.isEmpty ? " " : ""
        inline.removeSubrange(start...)
        if leading == " ", inline.last?.isWhitespace == true { inline.removeLast() }
        switch frame.kind {
        case .link(let href):
            guard !inner.isEmpty else { return }
            inline += leading + (href.map { "[\(inner)](\($0))" } ?? inner) + trailing
        case .emphasis(let marker):
            guard !inner.isEmpty else { return }
            inline += leading + marker + inner + marker + trailing
        case .heading(let level):
            guard !inner.isEmpty else { return }
            emitBlock([String(repeating: "#", count: level) + " " + inner])
        case .cell(let header):
            table?.addCell(inner, header: header, span: Self.span(frame.owner))
        case .caption:
            table?.caption = inner
        }
    }

    func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { releaseXML(value) }
        return String(cString: value)
    }

    static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0
        var current = 0
        for next in text {
            current = next == character ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
