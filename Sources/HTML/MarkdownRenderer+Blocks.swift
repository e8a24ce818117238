internal import CLibXML2

extension MarkdownRenderer {
    // MARK: - Blocks

    /// Emits the pending inline text as a paragraph (one line per `<br>`), if there is any.
    mutating func endBlock() {
        let lines = inline.split(separator: "\n").map { $0.collapsingWhitespace() }.filter { !$0.isEmpty }
        inline = ""
        guard !lines.isEmpty else { return }
        emitBlock(lines)
    }

    /// Writes lines with the container prefixes, separated from the previous block by a blank
    /// line, or by a plain line break inside a list item (tight lists read better).
    mutating func emitBlock(_ lines: [String]) {
        let inList = containers.contains { $0.first != "> " }
        if !output.isEmpty && !(inList && previousInList) { output += blankPrefix() + "\n" }
        previousInList = inList
        for line in lines {
            output += prefix() + line + "\n"
        }
    }

    /// The prefix for the next line; the first line of a list item gets its marker.
    private mutating func prefix() -> String {
        var text = ""
        for index in containers.indices {
            text += containers[index].used ? containers[index].rest : containers[index].first
            containers[index].used = true
        }
        return text
    }

    /// The prefix of a blank line between blocks: only containers that already hold lines
    /// continue across it, and only quote markers are worth writing on an empty line.
    private func blankPrefix() -> String {
        var text = ""
        for container in containers {
            guard container.used else { break }
            text += container.rest
        }
        while text.last == " " { text.removeLast() }
        return text.allSatisfy { $0 == ">" || $0 == " " } ? text : ""
    }

    /// A fenced code block with the language of `class="language-x"` (or Sphinx's `highlight-x`).
    mutating func emitCodeBlock(_ node: xmlNodePtr) {
        endBlock()
        var code = HTMLNode.content(of: node)
        if code.hasPrefix("\n") { code.removeFirst() }
        while code.last?.isWhitespace == true { code.removeLast() }
        guard !code.isEmpty else { return }
        let fence = String(repeating: "`", count: max(3, Self.longestRun(of: "`", in: code) + 1))
        emitBlock([fence + language(of: node)] + code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [fence])
    }

    /// The language named on the `pre`, up to two of its ancestors (Sphinx's `highlight-x`
    /// wrapper), or the `code` element inside it (`<pre><code class="language-x">`).
    private func language(of node: xmlNodePtr) -> String {
        if let code = Self.onlyElementChild(of: node), HTMLDocument.tagName(code) == "code" {
            let named = languageClass(of: code)
            if !named.isEmpty { return named }
        }
        var current: xmlNodePtr? = node
        for _ in 0..<3 {
            guard let element = current, element.pointee.type == XML_ELEMENT_NODE else { break }
            let named = languageClass(of: element)
            if !named.isEmpty { return named }
            current = element.pointee.parent
        }
        return ""
    }

    private static func onlyElementChild(of node: xmlNodePtr) -> xmlNodePtr? {
        var found: xmlNodePtr?
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                if found != nil { return nil }
                found = current
            }
            child = current.pointee.next
        }
        return found
    }

    private func languageClass(of element: xmlNodePtr) -> String {
        for word in (attribute(element, "class") ?? "").split(separator: " ") {
            for prefix in ["language-", "lang-", "highlight-"] where word.hasPrefix(prefix) {
                let name = word.dropFirst(prefix.count)
                if name != "default" && !name.isEmpty { return String(name) }
            }
        }
        return ""
    }

    // MARK: - Tables

    mutating func enterTable(_ node: xmlNodePtr) -> Bool {
        tableDepth += 1
        if frames.isEmpty && table == nil && tableDepth == 1 {
            endBlock()
            table = TableState(owner: node)
        } else {
            inline += " "
        }
        return true
    }

    mutating func enterTablePart(_ node: xmlNodePtr, _ name: String) {
        guard table != nil, tableDepth == 1, frames.isEmpty else {
            inline += " "
            return
        }
        switch name {
        case "td", "th": openFrame(node, .cell(header: name == "th" || table?.inHead == true))
        case "caption": openFrame(node, .caption)
        case "thead": table?.inHead = true
        case "tbody", "tfoot": table?.inHead = false
        default: inline = ""
        }
    }

    mutating func finishTable() {
        guard var finished = table else { return }
        table = nil
        tableDepth -= 1
        inline = ""
        finished.finishRow()
        if let caption = finished.caption, !caption.isEmpty { emitBlock([caption]) }
        let lines = finished.lines()
        if !lines.isEmpty { emitBlock(lines) }
    }

    static func span(_ cell: xmlNodePtr) -> Int {
        guard let value = xmlGetProp(cell, "colspan") else { return 1 }
        defer { releaseXML(value) }
        return min(max(Int(String(cString: value)) ?? 1, 1), 100)
    }

    /// Output with surrounding blank lines trimmed, ending in one newline (empty for no content).
    mutating func finish() -> String {
        endBlock()
        while output.last?.isWhitespace == true { output.removeLast() }
        return output.isEmpty ? "" : output + "\n"
    }
}

/// Rows of the table being rendered; becomes a GitHub-style pipe table.
struct TableState {
    let owner: xmlNodePtr
    var rows: [[String]] = []
    var row: [String] = []
    var headerRows = 0
    var rowIsHeader = true
    var inHead = false
    var caption: String?

    init(owner: xmlNodePtr) {
        self.owner = owner
    }

    mutating func addCell(_ text: String, header: Bool, span: Int) {
        let escaped = text.replacingPipes()
        row.append(escaped)
        row += Array(repeating: "", count: span - 1)
        rowIsHeader = rowIsHeader && header
    }

    mutating func finishRow() {
        guard !row.isEmpty else { return }
        if rowIsHeader && rows.count == headerRows { headerRows += 1 }
        rows.append(row)
        row = []
        rowIsHeader = true
    }

    /// The table's lines: the first row is the header (Markdown needs one), then a separator.
    func lines() -> [String] {
        guard let width = rows.map(\.count).max(), width > 0 else { return [] }
        let padded = rows.map { $0 + Array(repeating: "", count: width - $0.count) }
        let format = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
        let separator = "|" + Array(repeating: " --- |", count: width).joined()
        return [format(padded[0]), separator] + padded.dropFirst().map(format)
    }
}

extension String {
    /// The text with `|` escaped, so it can sit in a table cell.
    func replacingPipes() -> String {
        var result = ""
        for character in self {
            if character == "|" { result += "\\|" } else { result.append(character) }
        }
        return result
    }
}
