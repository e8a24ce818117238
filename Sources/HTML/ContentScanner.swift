internal import CLibXML2

/// One walk over a subtree that finds its furniture and measures everything else: the
/// first half of main-content extraction (`HTMLDocument.mainContent(override:)` decides with the figures).
///
/// Furniture by markup (`BoilerplateRules`) is skipped on the way in, so its text counts
/// nowhere. On the way out an element is furniture by its figures too: a header without a
/// heading, or a block that is mostly links with little text of its own (a menu, "previous /
/// next", a tag cloud). Every element left gets its text and link-text length, and the
/// paragraph scores readability gives: a block with at least 25 characters of its own
/// inline text scores `1 + commas + min(length / 100, 3)`, credited in full to its parent,
/// half to its grandparent and a sixth to the level above.
struct ContentScanner: NodeVisitor {
    /// What the walk learnt of one element.
    struct Figures {
        /// Visible characters below it (whitespace not counted), furniture left out.
        var text = 0
        /// The part of `text` inside links.
        var linkText = 0
        /// The paragraph scores credited to it.
        var score = 0.0
        var hasHeading = false
        /// A `pre` below: code is content however many links it holds.
        var hasCode = false
        /// Its place in document order (elements are numbered as the walk enters them): equal
        /// scores are decided by it, never by where the tree happens to lie in memory.
        var order = 0

        var linkDensity: Double { text == 0 ? 0 : Double(linkText) / Double(text) }
    }

    private struct Open {
        let node: xmlNodePtr
        let name: String
        let attributes: ElementAttributes
        let names: BoilerplateRules.Names
        var figures = Figures()
        /// Inline text that belongs to this element's paragraph (not to a block inside it).
        var ownText = 0
        var ownCommas = 0
    }

    /// Containers judged by their link density on the way out.
    private static let linkBoxTags = ElementNameSet(["div", "section", "header"])
    /// Lists judged by their link density, unless the page said where its content is: a
    /// docs page's table of contents is a list of links, and it is content there.
    private static let linkListTags = ElementNameSet(["ul", "ol", "dl"])

    /// Elements the renderer takes as one text (`pre` blocks, inline code), never entering them.
    private static let codeTags = ElementNameSet(["pre", "code", "kbd", "samp", "tt"])

    /// Headings: a header holding one is an article's title, not the site's banner.
    static let headingTags = ElementNameSet(["h1", "h2", "h3", "h4", "h5", "h6"])

    let start: xmlNodePtr
    /// Whether lists of links, and sections with a heading, below `start` are content (the
    /// root came from the page's markup or a script).
    let trustsLists: Bool
    private(set) var furniture: Set<xmlNodePtr> = []
    private(set) var figures: [xmlNodePtr: Figures] = [:]
    private var open: [Open] = []
    private var linkDepth = 0
    /// Elements entered so far, the next one's `Figures.order`.
    private var entered = 0

    init(start: xmlNodePtr, trustsLists: Bool) {
        self.start = start
        self.trustsLists = trustsLists
    }

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            countText(node.pointee.content)
            return false
        case XML_ELEMENT_NODE:
            let name = HTMLDocument.tagName(node)
            if HTMLDocument.hiddenElements.contains(name) { return false }
            let attributes = ElementAttributes(node)
            let names = BoilerplateRules.Names(attributes)
            if node != start, BoilerplateRules.isFurniture(node, name: name, attributes, names) {
                furniture.insert(node)
                return false
            }
            if name == "a" { linkDepth += 1 }
            open.append(Open(node: node, name: name, attributes: attributes, names: names, figures: Figures(order: entered)))
            entered += 1
            guard Self.codeTags.contains(name) else { return true }
            // Code is content whole, as the renderer takes it: its text is counted in one go
            // instead of visiting every highlighting span.
            let content = HTMLNode.content(of: node)
            content.withCString { countText(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
            return false
        default:
            return false
        }
    }

    mutating func exit(_ node: xmlNodePtr) {
        guard let last = open.last, last.node == node else { return }
        var element = open.removeLast()
        if element.name == "a" { linkDepth -= 1 }
        if Self.headingTags.contains(element.name) { element.figures.hasHeading = true }
        if element.name == "pre" { element.figures.hasCode = true }
        if node != start, isFurnitureByFigures(element) {
            furniture.insert(node)
            return
        }
        let isBlock = HTMLDocument.blockElements.contains(element.name) || element.name == "td" || element.name == "th"
        if isBlock, element.ownText >= 25 {
            creditParagraph(1 + Double(element.ownCommas) + min(Double(element.ownText) / 100, 3))
        }
        // Under a page-named root only the root's figures are asked for; scoring asks for all.
        if !trustsLists || node == start { figures[node] = element.figures }
        guard !open.isEmpty else { return }
        let index = open.count - 1
        open[index].figures.text += element.figures.text
        open[index].figures.linkText += element.figures.linkText
        open[index].figures.hasHeading = open[index].figures.hasHeading || element.figures.hasHeading
        open[index].figures.hasCode = open[index].figures.hasCode || element.figures.hasCode
        if !isBlock {
            open[index].ownText += element.ownText
            open[index].ownCommas += element.ownCommas
        }
    }

    /// A header with no heading, or a container that is mostly links and has little else.
    private func isFurnitureByFigures(_ element: Open) -> Bool {
        if !element.figures.hasHeading, BoilerplateRules.isHeaderLike(name: element.name, element.attributes, element.names) { return true }
        // Under a root the page named, a section with a heading is the page's own structure
        // (a docs index: a title, a sentence and a long table of contents).
        if trustsLists, element.figures.hasHeading { return false }
        let judged = Self.linkBoxTags.contains(element.name) || !trustsLists && Self.linkListTags.contains(element.name)
        guard judged, !element.figures.hasCode, element.figures.text > 0 else { return false }
        let plain = element.figures.text - element.figures.linkText
        return element.figures.linkDensity >= 0.6 && plain < 150 && !element.names.toctree
    }

    /// Paragraph scores go to the three enclosing elements, as readability credits them.
    private mutating func creditParagraph(_ score: Double) {
        for (level, divisor) in [1.0, 2.0, 6.0].enumerated() {
            let index = open.count - 1 - level
            guard index >= 0 else { return }
            open[index].figures.score += score / divisor
        }
    }

    private mutating func countText(_ content: UnsafePointer<xmlChar>?) {
        guard let content, !open.isEmpty else { return }
        var characters = 0
        var commas = 0
        var pointer = content
        while pointer.pointee != 0 {
            let byte = pointer.pointee
            // Count characters, not bytes: UTF-8 continuation bytes are skipped.
            if byte & 0xC0 != 0x80, byte != 0x20, byte != 0x0A, byte != 0x09, byte != 0x0D { characters += 1 }
            if byte == UInt8(ascii: ",") { commas += 1 }
            pointer += 1
        }
        let index = open.count - 1
        open[index].figures.text += characters
        if linkDepth > 0 { open[index].figures.linkText += characters }
        open[index].ownText += characters
        open[index].ownCommas += commas
    }
}
