/// A CSS selector from the supported subset, compiled once to an XPath 1.0 expression.
///
/// Supported: type selectors and `*`; `#id`; `.class`; `[attr]`, `[attr=v]`, `[attr^=v]`,
/// `[attr$=v]`, `[attr*=v]`, `[attr~=v]`, `[attr|=v]` (values bare or quoted); combinators
/// descendant (space), child `>`, adjacent `+`, sibling `~`; groups with `,`; and the pseudo-classes
/// `:first-child`, `:last-child`, `:only-child`, `:nth-child(n)` with `n` an integer, `odd`, `even`
/// or `an+b`. Anything else is an `HTMLError` `.invalidSelector` naming the selector and offset.
///
/// Matching is relative to the node a query starts from and looks only at its descendants
/// (jQuery's `find`, not `querySelectorAll`): in `div p`, the `div` must be below the start node.
/// Tag and attribute names are matched in lowercase, as libxml2's HTML parser stores them.
/// Compile once and reuse (extract.lua handlers run on every page).
///
/// Selecting is done natively, never through `xpath`, in O(nodes × selector length) whatever the
/// page's shape (libxml2's evaluation of `descendant::` chains is roughly cubic on nested markup:
/// `div p` over 111 KB of nested divs gave no answer in 25 s). Whole-document selectors of one compound
/// with no `:nth-child` (`h1`, `meta[property=og:title]`, what extract.lua asks on every page)
/// scan the document's `ElementIndex`; everything else is one walk that carries, per element, which
/// prefixes of the selector end there (`CSSSelectorMatcher`). `xpath` stays as the specification
/// the native matching is tested against.
public struct CSSSelector: Hashable, Sendable, CustomStringConvertible {
    /// The selector as written.
    public let source: String
    /// The equivalent XPath, relative to the context node.
    public let xpath: String
    /// The parsed groups (`a, b` is two), each a list of steps.
    let groups: [[CSSSelectorParser.Step]]
    /// Whether a whole-document `select` may scan the element index: every group is one compound,
    /// and no compound needs an element's position among its siblings (`:nth-child`).
    let scansIndex: Bool

    /// Compiles `source`.
    /// - Throws: `HTMLError` `.invalidSelector` with the offset of the first unsupported character.
    public init(_ source: String) throws(HTMLError) {
        self.source = source
        var parser = CSSSelectorParser(source)
        groups = try parser.parseGroups()
        xpath = groups.map { Self.path(of: $0) }.joined(separator: " | ")
        scansIndex = groups.allSatisfy { steps in steps.count == 1 && !steps[0].compound.needsSiblingIndex }
    }

    public var description: String { source }

    // MARK: - XPath generation

    private static func path(of steps: [CSSSelectorParser.Step]) -> String {
        var path = ""
        for (index, step) in steps.enumerated() {
            let (test, nameCheck) = nameTest(step.compound)
            let predicates = nameCheck + step.compound.conditions.map { "[\($0.xpath)]" }.joined()
            let separator = index == 0 ? "" : "/"
            switch step.combinator {
            case .descendant: path += "\(separator)descendant::\(test)\(predicates)"
            case .child: path += "\(separator)\(test)\(predicates)"
            case .adjacent: path += "\(separator)following-sibling::*[1]/self::\(test)\(predicates)"
            case .sibling: path += "\(separator)following-sibling::\(test)\(predicates)"
            }
        }
        return path
    }

    /// The XPath name test of a compound: its tag when XPath reads it as a plain name, else `*` and
    /// a `name()` predicate, so that an escaped name stays the literal name CSS means (`\*` is an
    /// element named `*`, not every element, as libFuzzer found the translation had it).
    private static func nameTest(_ compound: CSSSelectorParser.Compound) -> (test: String, predicate: String) {
        guard compound.element != nil else { return ("*", "") }
        let tag = compound.tag
        return isPlainName(tag) ? (tag, "") : ("*", "[name() = \(literal(tag))]")
    }

    /// Whether XPath reads `name` as the plain name it is, not as operators or a prefix (`a\=b`
    /// would read as a comparison): element and attribute names that are not go through `name()`.
    static func isPlainName(_ name: String) -> Bool {
        name.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// An XPath string literal for any text (XPath 1.0 has no escapes, hence `concat`).
    static func literal(_ text: String) -> String {
        if !text.contains("'") { return "'\(text)'" }
        if !text.contains("\"") { return "\"\(text)\"" }
        let parts = text.split(separator: "'", omittingEmptySubsequences: false).map { "'\($0)'" }
        return "concat(" + parts.joined(separator: ", \"'\", ") + ")"
    }
}

extension HTMLDocument {
    // MARK: - CSS

    /// The elements matching a CSS selector, in document order.
    /// - Parameters:
    ///   - selector: A selector of the supported subset (see `CSSSelector`).
    ///   - node: Where to search below; the whole document when nil.
    /// - Throws: `HTMLError` `.invalidSelector` for a selector outside the subset.
    public func select(_ selector: String, from node: HTMLNode? = nil) throws(HTMLError) -> [HTMLNode] {
        try select(CSSSelector(selector), from: node)
    }

    /// The elements matching a compiled selector, in document order, found in
    /// O(nodes × selector length) (see `CSSSelector`).
    public func select(_ selector: CSSSelector, from node: HTMLNode? = nil) -> [HTMLNode] {
        let found =
            if let node { selector.elements(below: node.pointer) } else if selector.scansIndex { selector.elements(in: elementIndex) } else { selector.elements(below: documentNode) }
        return found.map { HTMLNode(document: self, pointer: $0) }
    }
}
