internal import CLibXML2
import Glibc

/// Every element of a document in document order, with a cheap key of its name, built by one
/// walk the first time a query needs it.
///
/// extract.lua handlers ask a dozen whole-document questions per page (`h1`, `h2`, `h3`, each
/// OpenGraph `meta`, the description, the canonical link); each used to be an XPath walk of every
/// node. With the index, each is a scan of one array of pointers comparing one integer per
/// element, and only the elements of the right name are looked at further.
struct ElementIndex {
    private(set) var elements: [xmlNodePtr] = []
    private var keys: [UInt64] = []

    init(document: xmlNodePtr) {
        var collector = Collector()
        HTMLDocument.walk(document, &collector)
        elements = collector.elements
        keys = collector.keys
    }

    /// The elements named `name` (and in no namespace, as XPath's name test wants), in order.
    func elements(named name: ElementName) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        for index in keys.indices where keys[index] == name.key && name.matches(elements[index]) {
            found.append(elements[index])
        }
        return found
    }

    /// The first element named `name` for which `accept` holds.
    func first(named name: ElementName, where accept: (xmlNodePtr) -> Bool) -> xmlNodePtr? {
        for index in keys.indices where keys[index] == name.key && name.matches(elements[index]) && accept(elements[index]) {
            return elements[index]
        }
        return nil
    }

    private struct Collector: NodeVisitor {
        var elements: [xmlNodePtr] = []
        var keys: [UInt64] = []

        mutating func enter(_ node: xmlNodePtr) -> Bool {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                elements.append(node)
                keys.append(ElementName.key(of: node.pointee.name))
                return true
            case XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE:
                return true
            default:
                return false
            }
        }

        mutating func exit(_ node: xmlNodePtr) {}
    }
}

/// A tag name prepared for fast comparison: its first eight bytes packed in an integer (the
/// whole name, for nearly every HTML tag), and the full name for the rest.
struct ElementName: Hashable, Sendable {
    let name: [UInt8]
    let key: UInt64

    init(_ name: String) {
        self.name = Array(name.utf8)
        key = self.name.withUnsafeBufferPointer { Self.key(of: $0.baseAddress, count: $0.count) }
    }

    /// Whether `element` has exactly this name and no namespace (the key already matched).
    func matches(_ element: xmlNodePtr) -> Bool {
        guard element.pointee.ns == nil, let actual = element.pointee.name else { return false }
        if name.count < 8 { return true }
        return name.withUnsafeBufferPointer { expected in
            strncmp(
                UnsafeRawPointer(actual).assumingMemoryBound(to: CChar.self),
                UnsafeRawPointer(expected.baseAddress!).assumingMemoryBound(to: CChar.self), expected.count) == 0
                && actual[expected.count] == 0
        }
    }

    static func key(of name: UnsafePointer<xmlChar>?) -> UInt64 {
        guard let name else { return 0 }
        var count = 0
        while count < 8, name[count] != 0 { count += 1 }
        return key(of: name, count: count)
    }

    private static func key(of bytes: UnsafePointer<UInt8>?, count: Int) -> UInt64 {
        guard let bytes else { return 0 }
        var key: UInt64 = 0
        for offset in 0..<min(count, 8) { key |= UInt64(bytes[offset]) << (8 * UInt64(offset)) }
        return key
    }
}

/// A fixed set of tag names, asked about once or twice per element by the text and Markdown
/// walks: a binary search over the sorted name keys, without building a `String` per element.
struct ElementNameSet: Sendable {
    private let keys: [UInt64]
    private let names: Set<String>

    init(_ names: Set<String>) {
        self.names = names
        keys = names.map { ElementName($0).key }.sorted()
    }

    func contains(_ name: String) -> Bool {
        names.contains(name)
    }

    /// Whether `element` is named one of the names (in no namespace).
    func contains(_ element: xmlNodePtr) -> Bool {
        guard element.pointee.ns == nil, let name = element.pointee.name else { return false }
        let key = ElementName.key(of: name)
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        guard low < keys.count, keys[low] == key else { return false }
        // Eight bytes or more: the key is only a prefix, so compare the whole name.
        for offset in 0..<8 where name[offset] == 0 { return true }
        return names.contains(String(cString: name))
    }
}
