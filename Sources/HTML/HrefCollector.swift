internal import CLibXML2

/// Collects the `href` of `<a>` elements, handed over in document order (from the element index
/// or the streaming pass), skipping same-document (`#...`) references.
struct HrefCollector {
    var hrefs: [String] = []

    mutating func add(_ anchor: xmlNodePtr) {
        guard let value = xmlGetProp(anchor, "href") else { return }
        defer { releaseXML(value) }
        add(value: value)
    }

    /// One `href` value as libxml2 decoded it (entities replaced).
    mutating func add(value: UnsafePointer<xmlChar>) {
        var cursor = value
        while cursor.pointee == 0x20 || cursor.pointee == 0x09 || cursor.pointee == 0x0A || cursor.pointee == 0x0D { cursor += 1 }
        if cursor.pointee != UInt8(ascii: "#") { hrefs.append(String(cString: value)) }
    }
}
