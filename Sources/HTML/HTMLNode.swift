internal import CLibXML2

/// A node of an `HTMLDocument`: an element, a text node, or an attribute returned by XPath.
///
/// A node keeps its document alive (it holds a strong reference), so using a node is always
/// memory-safe in Swift. Bindings that hand nodes to Lua should not hand out this struct's
/// lifetime: they keep the nodes of one extractor call in a table, give Lua an index into it,
/// and clear the table when the call returns, so a node stashed in a Lua global raises an error
/// afterwards instead of pinning the document. Equality and hashing are by identity in the tree.
public struct HTMLNode: Hashable {
    /// The kinds of node a query can return.
    public enum Kind: Sendable {
        case element, text, attribute, comment, document, other
    }

    /// The document this node belongs to.
    public let document: HTMLDocument
    let pointer: xmlNodePtr

    init(document: HTMLDocument, pointer: xmlNodePtr) {
        self.document = document
        self.pointer = pointer
    }

    public static func == (lhs: HTMLNode, rhs: HTMLNode) -> Bool { lhs.pointer == rhs.pointer }
    public func hash(into hasher: inout Hasher) { hasher.combine(pointer) }

    // MARK: - Identity

    public var kind: Kind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: .text
        case XML_ATTRIBUTE_NODE: .attribute
        case XML_COMMENT_NODE: .comment
        case XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE: .document
        default: .other
        }
    }

    /// The lowercase tag or attribute name (`div`, `href`); `#text` for text, empty otherwise.
    public var name: String {
        switch kind {
        case .element, .attribute: pointer.pointee.name.map { String(cString: $0) } ?? ""
        case .text: "#text"
        default: ""
        }
    }

    // MARK: - Content

    /// All text below this node, verbatim (scripts included), as the DOM's `textContent`.
    /// For an attribute node, its value.
    public var textContent: String { Self.content(of: pointer) }

    /// libxml2's text content of any node (iterative inside libxml2, safe on deep trees).
    static func content(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { releaseXML(content) }
        return String(cString: content)
    }

    /// The value of attribute `name` (lowercase, as the HTML parser stores it), nil if absent.
    public func attribute(_ name: String) -> String? {
        guard kind == .element, let value = xmlGetProp(pointer, name) else { return nil }
        defer { releaseXML(value) }
        return String(cString: value)
    }

    /// All attributes in source order as name/value pairs.
    public var attributes: [(name: String, value: String)] {
        guard kind == .element else { return [] }
        var pairs: [(name: String, value: String)] = []
        var property = pointer.pointee.properties
        while let current = property {
            let name = String(cString: current.pointee.name)
            pairs.append((name, attribute(name) ?? ""))
            property = current.pointee.next
        }
        return pairs
    }

    /// The node serialised as HTML (its outer HTML), as libxml2 writes it.
    /// Written without libxml2's pretty-printing (`format` 0), so the markup is not altered by
    /// added newlines; text is UTF-8, not character references.
    public var html: String {
        guard let output = xmlAllocOutputBuffer(nil) else { return "" }
        defer { xmlOutputBufferClose(output) }
        htmlNodeDumpFormatOutput(output, document.document, pointer, "UTF-8", 0)
        guard let content = xmlOutputBufferGetContent(output) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(output))), as: UTF8.self)
    }

    // MARK: - Navigation

    /// The element children, in document order (text and comments are left out).
    public var children: [HTMLNode] {
        var result: [HTMLNode] = []
        var child = kind == .element || kind == .document ? pointer.pointee.children : nil
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(HTMLNode(document: document, pointer: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// The parent element (or the attribute's element); nil at the root.
    public var parent: HTMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return HTMLNode(document: document, pointer: parent)
    }
}
