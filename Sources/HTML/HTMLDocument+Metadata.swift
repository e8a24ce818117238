internal import CLibXML2

extension HTMLDocument {
    // MARK: - Metadata
    //
    // Each fact is read natively (the element index and the head's children), with exactly the
    // meaning of the XPath given in its comment: these run on every page, twice for the title.

    /// The first `<title>` outside SVG, whitespace collapsed; nil when absent or empty. The head
    /// is looked at first, which spares a look at the whole tree on almost every page.
    /// (`/html/head/title[1]`, else `(//title[not(ancestor::svg)])[1]`.)
    public var title: String? {
        PageRules.title(headTitle: headChildren(named: Self.titleName).first.map(HTMLNode.content(of:))) {
            elementIndex.first(named: Self.titleName) { !Self.hasAncestor($0, named: Self.svgName) }.map(HTMLNode.content(of:))
        }
    }

    /// `<meta name="description" content="...">` (name matched case-insensitively).
    /// (`(//meta[translate(@name, A-Z, a-z)='description']/@content)[1]`.)
    public var metaDescription: String? {
        firstMetaContent(attribute: "name", lowercasedValue: "description")
    }

    /// `<link rel="canonical" href="...">` made absolute against the base URL.
    /// (`(//link[contains(concat(' ', normalize-space(translate(@rel, A-Z, a-z)), ' '), ' canonical ')]/@href)[1]`.)
    public var canonicalURL: String? {
        let link = elementIndex.first(named: Self.linkName) { element in
            guard Self.attribute("href", of: element) != nil, let rel = Self.attribute("rel", of: element) else { return false }
            return CSSCondition.matches(Array(rel.utf8).map(Self.asciiLowercased), .word("canonical"))
        }
        guard let href = link.flatMap({ PageRules.nonEmpty(Self.attribute("href", of: $0) ?? "") }) else { return nil }
        return URLResolver.resolve(href, against: baseURL)
    }

    /// The page language: `<html lang>`, else `<meta http-equiv="content-language">`.
    /// (`(/html/@lang)[1]`, else `(//meta[translate(@http-equiv, A-Z, a-z)='content-language']/@content)[1]`.)
    public var language: String? {
        let lang = rootElements(named: Self.htmlName).lazy.compactMap { Self.attribute("lang", of: $0) }.first
        if let lang = lang.flatMap(PageRules.nonEmpty) { return lang }
        return firstMetaContent(attribute: "http-equiv", lowercasedValue: "content-language")
    }

    /// The URL relative links resolve against: `<base href>` (itself resolved against the page
    /// URL), else the page URL; nil when the document was parsed without a URL.
    /// (`/html/head/base[@href][1]/@href`, else `(//base[@href]/@href)[1]`.)
    public var baseURL: String? {
        let inHead = headChildren(named: Self.baseName).lazy.compactMap { Self.attribute("href", of: $0) }.first
        let anywhere = { () -> String? in
            self.elementIndex.first(named: Self.baseName) { Self.attribute("href", of: $0) != nil }.flatMap { Self.attribute("href", of: $0) }
        }
        return PageRules.baseURL(headHref: inHead, anyHref: anywhere, url: url)
    }

    // MARK: - Links

    /// The targets of `<a href>`, absolute, in document order, each once.
    ///
    /// Fragments are dropped (`/a#x` and `/a#y` are one page); same-document links (`#top`) and
    /// `javascript:`, `mailto:`, `tel:` and `data:` links are left out. Relative hrefs resolve
    /// against `baseURL`; if the document has no URL at all, they stay relative.
    /// The `<a>` elements come from the element index (no XPath node-set to sort, no walk of its
    /// own), and each distinct href is resolved once: pages repeat the same href many times.
    public var links: [String] {
        var collector = HrefCollector()
        for anchor in elementIndex.elements(named: Self.anchorName) { collector.add(anchor) }
        return PageRules.links(hrefs: collector.hrefs, base: baseURL)
    }

    // MARK: - Helpers

    static let htmlName = ElementName("html")
    static let anchorName = ElementName("a")
    static let headName = ElementName("head")
    static let titleName = ElementName("title")
    static let svgName = ElementName("svg")
    static let metaName = ElementName("meta")
    static let linkName = ElementName("link")
    static let baseName = ElementName("base")

    /// The content of the first `<meta>` whose `attribute`, ASCII-lowercased, is `lowercasedValue`
    /// and which has a `content`, whitespace collapsed; nil when there is none or it is empty.
    private func firstMetaContent(attribute: String, lowercasedValue: String) -> String? {
        let meta = elementIndex.first(named: Self.metaName) { element in
            guard Self.attribute("content", of: element) != nil, let value = Self.attribute(attribute, of: element) else { return false }
            return value.utf8.map(Self.asciiLowercased).elementsEqual(lowercasedValue.utf8)
        }
        return meta.flatMap { PageRules.nonEmpty(Self.attribute("content", of: $0) ?? "") }
    }

    /// The document's child elements named `name` (`/html`).
    private func rootElements(named name: ElementName) -> [xmlNodePtr] {
        Self.children(of: documentNode, named: name)
    }

    /// The children named `name` of every `/html/head`, in document order.
    private func headChildren(named name: ElementName) -> [xmlNodePtr] {
        rootElements(named: Self.htmlName).flatMap { Self.children(of: $0, named: Self.headName) }.flatMap { Self.children(of: $0, named: name) }
    }

    private static func children(of node: xmlNodePtr, named name: ElementName) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, ElementName.key(of: current.pointee.name) == name.key, name.matches(current) {
                found.append(current)
            }
            child = current.pointee.next
        }
        return found
    }

    private static func hasAncestor(_ node: xmlNodePtr, named name: ElementName) -> Bool {
        var ancestor = node.pointee.parent
        while let current = ancestor, current.pointee.type == XML_ELEMENT_NODE {
            if ElementName.key(of: current.pointee.name) == name.key, name.matches(current) { return true }
            ancestor = current.pointee.parent
        }
        return false
    }

    /// The value of the attribute `name` in no namespace (XPath's `@name`), nil when absent.
    static func attribute(_ name: String, of element: xmlNodePtr) -> String? {
        guard let value = xmlGetNoNsProp(element, name) else { return nil }
        defer { releaseXML(value) }
        return String(cString: value)
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
