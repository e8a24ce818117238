internal import CLibXML2

/// Collects the `href` of every `<a>` during a walk, in document order, skipping same-document
/// (`#...`) references.
struct HrefCollector: NodeVisitor {
    var hrefs: [String] = []

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        guard node.pointee.type == XML_ELEMENT_NODE else { return false }
        if let name = node.pointee.name, name[0] == UInt8(ascii: "a"), name[1] == 0, let value = xmlGetProp(node, "href") {
            defer { releaseXML(value) }
            var cursor = UnsafePointer(value)
            while cursor.pointee == 0x20 || cursor.pointee == 0x09 || cursor.pointee == 0x0A || cursor.pointee == 0x0D { cursor += 1 }
            if cursor.pointee != UInt8(ascii: "#") { hrefs.append(String(cString: value)) }
        }
        return true
    }

    mutating func exit(_ node: xmlNodePtr) {}
}
