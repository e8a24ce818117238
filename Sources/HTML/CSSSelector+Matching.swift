internal import CLibXML2

extension CSSSelector {
    // MARK: - Native matching

    /// The elements below `start` (not `start` itself) that match, in document order: what
    /// `xpath` selects from `start`, found by one walk (`CSSSelectorMatcher`).
    func elements(below start: xmlNodePtr) -> [xmlNodePtr] {
        var matcher = CSSSelectorMatcher(selector: self, start: start)
        HTMLDocument.walk(start, &matcher)
        return matcher.found
    }

    /// The elements of the whole document that match, from its index: only the elements of the
    /// selector's tag are looked at when all its groups name the same one. Only for `scansIndex`
    /// selectors, whose single compounds test nothing but the element itself.
    func elements(in index: ElementIndex) -> [xmlNodePtr] {
        let names = Set(groups.map { $0[0].compound.element })
        let candidates = names.count == 1 ? names.first!.map(index.elements(named:)) ?? index.elements : index.elements
        // A sibling index of 0 is never read: `scansIndex` excludes `:nth-child`.
        return candidates.filter { element in groups.contains { $0[0].compound.matches(element, siblingIndex: 0) } }
    }
}

extension CSSSelectorParser.Compound {
    /// The type test (XPath's name test: the name, and no namespace) and every condition.
    /// - Parameter siblingIndex: The element's 1-based position among its parent's elements,
    ///   read only by `:nth-child`.
    func matches(_ element: xmlNodePtr, siblingIndex: Int) -> Bool {
        if let name = self.element {
            guard ElementName.key(of: element.pointee.name) == name.key, name.matches(element) else { return false }
        }
        return conditions.allSatisfy { $0.matches(element, siblingIndex: siblingIndex) }
    }

    /// Whether a condition needs the element's position among its siblings.
    var needsSiblingIndex: Bool {
        conditions.contains { if case .position(.nth) = $0 { true } else { false } }
    }
}
