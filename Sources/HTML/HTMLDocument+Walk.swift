internal import CLibXML2

/// A visitor for `HTMLDocument.walk`: told when the walk enters and leaves each node.
protocol NodeVisitor {
    /// Called before a node's children; return false to skip them (`exit` is still called).
    mutating func enter(_ node: xmlNodePtr) -> Bool
    /// Called after a node's children (or right after `enter` when it has none or they were skipped).
    mutating func exit(_ node: xmlNodePtr)
}

extension HTMLDocument {
    /// Visits `start` and every node below it in document order, without recursion.
    ///
    /// Walks by the tree's own `children` / `next` / `parent` links, so 100,000 nested tags cost
    /// no stack at all: pages are adversarial input and a recursive walk would crash the daemon.
    static func walk<Visitor: NodeVisitor>(_ start: xmlNodePtr, _ visitor: inout Visitor) {
        var node = start
        while true {
            if visitor.enter(node), let child = node.pointee.children {
                node = child
                continue
            }
            visitor.exit(node)
            while true {
                if node == start { return }
                if let next = node.pointee.next {
                    node = next
                    break
                }
                guard let parent = node.pointee.parent else { return }
                node = parent
                visitor.exit(node)
            }
        }
    }

    /// The lowercase tag name of an element node, empty for other nodes.
    static func tagName(_ node: xmlNodePtr) -> String {
        guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// Elements whose content is never shown: their text is left out of text and Markdown.
    static let hiddenElements = ElementNameSet(["script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "canvas"])

    /// Elements that start a new line of text. Table cells are not among them: a row reads as
    /// one line, its cells separated by spaces.
    static let blockElements = ElementNameSet([
        "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
        "caption", "thead", "tbody", "tfoot", "body", "html", "option", "legend",
    ])
}
