internal import CLibXML2
import Glibc

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
        if !Self.isSameDocument(UnsafeBufferPointer(start: value, count: strlen(value))) { hrefs.append(String(cString: value)) }
    }

    /// One `href` value decoded as libxml2 decodes it (`OutlineScanner`).
    mutating func add(decoded href: String) {
        var href = href
        if !href.withUTF8(Self.isSameDocument) { hrefs.append(href) }
    }

    private static func isSameDocument(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "#")
    }
}
