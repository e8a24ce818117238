internal import CLibXML2

extension HTMLDocument {
    // MARK: - Visible text

    /// The text a reader sees: no script, style, noscript, template (nor head, svg, iframe).
    ///
    /// Whitespace is normalised: runs of spaces, tabs and newlines inside a block become one
    /// space; each block (paragraph, heading, list item, table cell, `<br>`) ends a line; lines
    /// are trimmed and empty ones dropped. So `split(separator: " ")` counts words and
    /// `split(separator: "\n")` gives blocks.
    /// - Parameter node: The subtree to read; the `<body>` when nil.
    public func visibleText(of node: HTMLNode? = nil) -> String {
        guard let start = node?.pointer ?? body?.pointer else { return "" }
        var collector = TextCollector(keepsText: true)
        Self.walk(start, &collector)
        return collector.finish()
    }

    /// The number of words of `visibleText(of:)`, its runs of bytes other than space, tab, CR,
    /// LF, form feed and vertical tab (Lua's `%S+`), counted by the same walk without building
    /// the text: `doc:word_count()` costs no string, in Swift or in Lua.
    /// - Parameter node: The subtree to read; the `<body>` when nil.
    public func wordCount(of node: HTMLNode? = nil) -> Int {
        guard let start = node?.pointer ?? body?.pointer else { return 0 }
        var collector = TextCollector(keepsText: false)
        Self.walk(start, &collector)
        return collector.words
    }
}

/// Gathers normalised visible text during a walk, or only counts its words.
struct TextCollector: NodeVisitor {
    /// False to count words without keeping the text.
    let keepsText: Bool
    private var output: [UInt8] = []
    /// Words started so far.
    private(set) var words = 0
    /// Whether the last byte written belongs to a word (it was neither a break nor a vertical tab).
    private var inWord = false
    /// Whether the last byte written was a space or a line break (or nothing yet on this line).
    private var atBreak = true

    init(keepsText: Bool) {
        self.keepsText = keepsText
    }

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            append(node.pointee.content)
            return false
        case XML_ELEMENT_NODE:
            if HTMLDocument.blockElements.contains(node) { lineBreak() }
            if Self.isNamed(node, Self.img), let alt = xmlGetProp(node, "alt") {
                append(alt)
                releaseXML(alt)
            }
            // A leaf element (`<br>`, `<img>`, an empty cell) has nothing to hide.
            return node.pointee.children != nil && !HTMLDocument.hiddenElements.contains(node)
        default:
            return false
        }
    }

    mutating func exit(_ node: xmlNodePtr) {
        guard node.pointee.type == XML_ELEMENT_NODE else { return }
        if Self.isNamed(node, Self.td) || Self.isNamed(node, Self.th) {
            space()
        } else if HTMLDocument.blockElements.contains(node) {
            lineBreak()
        }
    }

    private static let img = ElementName("img")
    private static let td = ElementName("td")
    private static let th = ElementName("th")

    private static func isNamed(_ node: xmlNodePtr, _ name: ElementName) -> Bool {
        ElementName.key(of: node.pointee.name) == name.key && name.matches(node)
    }

    /// Appends text, collapsing every whitespace run to a single space.
    mutating func append(_ text: UnsafePointer<xmlChar>?) {
        guard var cursor = text else { return }
        while cursor.pointee != 0 {
            let byte = cursor.pointee
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                space()
            } else {
                // A vertical tab stays in the text (it is not collapsed) but ends a word for `%S+`.
                if byte == 0x0B {
                    inWord = false
                } else if !inWord {
                    words += 1
                    inWord = true
                }
                if keepsText { output.append(byte) }
                atBreak = false
            }
            cursor += 1
        }
    }

    private mutating func space() {
        inWord = false
        guard !atBreak else { return }
        if keepsText { output.append(0x20) }
        atBreak = true
    }

    private mutating func lineBreak() {
        inWord = false
        guard keepsText else { return }
        if output.last == 0x20 { output.removeLast() }
        guard let last = output.last, last != 0x0A else { return }
        output.append(0x0A)
        atBreak = true
    }

    /// The text, trimmed.
    mutating func finish() -> String {
        while let last = output.last, last == 0x20 || last == 0x0A { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }
}
