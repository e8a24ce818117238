internal import CLibXML2
import Glibc

/// The attributes main-content detection reads, taken from an element in one pass over its
/// attribute list: looking each up with `xmlGetProp` walked the list seven times per element
/// and made a fit_markdown of a large docs page cost nearly twice its plain Markdown.
struct ElementAttributes {
    var className: String?
    var id: String?
    var role: String?
    var style: String?
    var title: String?
    var hidden = false
    var ariaHidden = false

    init(_ element: xmlNodePtr) {
        var property = element.pointee.properties
        while let current = property {
            property = current.pointee.next
            guard let name = current.pointee.name else { continue }
            let key = UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)
            switch Self.known(key) {
            case .className: className = Self.value(of: current)
            case .id: id = Self.value(of: current)
            case .role: role = Self.value(of: current)?.lowercased()
            case .style: style = Self.value(of: current)
            case .title: title = Self.value(of: current)
            case .hidden: hidden = true
            case .ariaHidden: ariaHidden = Self.value(of: current) == "true"
            case nil: break
            }
        }
    }

    private enum Known {
        case className, id, role, style, title, hidden, ariaHidden
    }

    private static func known(_ name: UnsafePointer<CChar>) -> Known? {
        if strcmp(name, "class") == 0 { return .className }
        if strcmp(name, "id") == 0 { return .id }
        if strcmp(name, "role") == 0 { return .role }
        if strcmp(name, "style") == 0 { return .style }
        if strcmp(name, "title") == 0 { return .title }
        if strcmp(name, "hidden") == 0 { return .hidden }
        if strcmp(name, "aria-hidden") == 0 { return .ariaHidden }
        return nil
    }

    /// An attribute's value: its one text child's content, as the HTML parser stores it.
    private static func value(of attribute: xmlAttrPtr) -> String? {
        guard let text = attribute.pointee.children else { return "" }
        if text.pointee.next == nil, let content = text.pointee.content { return String(cString: content) }
        guard let joined = xmlNodeListGetString(attribute.pointee.doc, text, 1) else { return "" }
        defer { releaseXML(joined) }
        return String(cString: joined)
    }

    /// The lowercase names in `class` and `id`, each whole (`entry-meta`).
    var names: [String] {
        var names: [String] = []
        for value in [className, id] {
            guard let value else { continue }
            names += value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        return names
    }
}
