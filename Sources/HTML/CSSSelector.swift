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
/// Selecting is done natively (one walk of the subtree, each element tested by
/// `CSSSelector+Matching.swift`) whenever that is as cheap as the XPath in the worst case: for
/// groups whose combinators after the first compound are only `>` and `+`, which look at one
/// parent or sibling each. A `div p` or `h2 ~ p` could make a right-to-left test climb the whole
/// ancestry of every element (quadratic on 100,000 nested tags), so those go through `xpath`.
public struct CSSSelector: Hashable, Sendable, CustomStringConvertible {
    /// The selector as written.
    public let source: String
    /// The equivalent XPath, relative to the context node.
    public let xpath: String
    /// The parsed groups (`a, b` is two), each a list of steps.
    let groups: [[CSSSelectorParser.Step]]
    /// Whether `HTMLDocument.select` matches this selector natively instead of through `xpath`.
    let matchesNatively: Bool

    /// Compiles `source`.
    /// - Throws: `HTMLError` `.invalidSelector` with the offset of the first unsupported character.
    public init(_ source: String) throws(HTMLError) {
        self.source = source
        var parser = CSSSelectorParser(source)
        groups = try parser.parseGroups()
        xpath = groups.map { Self.path(of: $0) }.joined(separator: " | ")
        matchesNatively = groups.allSatisfy { steps in steps.dropFirst().allSatisfy { $0.combinator == .child || $0.combinator == .adjacent } }
    }

    public var description: String { source }

    // MARK: - XPath generation

    private static func path(of steps: [CSSSelectorParser.Step]) -> String {
        var path = ""
        for (index, step) in steps.enumerated() {
            let test = step.compound.tag
            let predicates = step.compound.conditions.map { "[\($0.xpath)]" }.joined()
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

    /// The elements matching a compiled selector, in document order.
    public func select(_ selector: CSSSelector, from node: HTMLNode? = nil) throws(HTMLError) -> [HTMLNode] {
        if selector.matchesNatively {
            let found = node.map { selector.elements(below: $0.pointer) } ?? selector.elements(in: elementIndex, document: documentNode)
            return found.map { HTMLNode(document: self, pointer: $0) }
        }
        do {
            return try nodes(xpath: selector.xpath, from: node)
        } catch {
            throw HTMLError(.invalidSelector, expression: selector.source, message: "compiled XPath failed: \(error.message)")
        }
    }
}
