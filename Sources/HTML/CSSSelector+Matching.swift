internal import CLibXML2

extension CSSSelector {
    // MARK: - Native matching

    /// The elements below `start` (not `start` itself) that match, in document order: what
    /// `xpath` selects from `start`, found by one walk. Only for `matchesNatively` selectors.
    func elements(below start: xmlNodePtr) -> [xmlNodePtr] {
        var collector = SelectorCollector(selector: self, start: start)
        HTMLDocument.walk(start, &collector)
        return collector.found
    }

    /// The elements of the whole document that match, from its index: only the elements of the
    /// selector's tag are looked at when all its groups name the same one.
    func elements(in index: ElementIndex, document: xmlNodePtr) -> [xmlNodePtr] {
        let names = Set(groups.map { $0.last?.compound.element })
        let candidates = names.count == 1 ? names.first!.map(index.elements(named:)) ?? index.elements : index.elements
        return candidates.filter { matches($0, below: document) }
    }

    /// Whether `element`, a descendant of `start`, matches one of the groups.
    fileprivate func matches(_ element: xmlNodePtr, below start: xmlNodePtr) -> Bool {
        groups.contains { steps in Self.matches(element, steps, steps.count - 1, below: start) }
    }

    /// Right to left: `element` matches step `index`, and what the step's combinator points at
    /// (the parent for `>`, the previous element sibling for `+`) matches the step before it.
    private static func matches(_ element: xmlNodePtr, _ steps: [CSSSelectorParser.Step], _ index: Int, below start: xmlNodePtr) -> Bool {
        let step = steps[index]
        guard step.compound.matches(element) else { return false }
        guard index > 0 else { return true }
        let related: xmlNodePtr?
        switch step.combinator {
        case .child:
            related = element.pointee.parent.flatMap { $0 != start && $0.pointee.type == XML_ELEMENT_NODE ? $0 : nil }
        case .adjacent:
            related = CSSCondition.previousElement(element)
        case .descendant, .sibling:
            preconditionFailure("selectors with descendant or sibling combinators are matched through XPath")
        }
        guard let related else { return false }
        return matches(related, steps, index - 1, below: start)
    }
}

extension CSSSelectorParser.Compound {
    /// The type test (XPath's name test: the name, and no namespace) and every condition.
    func matches(_ element: xmlNodePtr) -> Bool {
        if let name = self.element {
            guard ElementName.key(of: element.pointee.name) == name.key, name.matches(element) else { return false }
        }
        return conditions.allSatisfy { $0.matches(element) }
    }
}

/// Collects the matching elements of a walk.
private struct SelectorCollector: NodeVisitor {
    let selector: CSSSelector
    let start: xmlNodePtr
    var found: [xmlNodePtr] = []

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        if node == start { return true }
        guard node.pointee.type == XML_ELEMENT_NODE else { return false }
        if selector.matches(node, below: start) { found.append(node) }
        return true
    }

    mutating func exit(_ node: xmlNodePtr) {}
}
