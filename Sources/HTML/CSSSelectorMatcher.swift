internal import CLibXML2

/// Matches a `CSSSelector` against every element below a start node in one walk, in
/// O(nodes × selector length) whatever the shape of the tree.
///
/// The steps of all groups are numbered in one sequence. For each element the walk computes
/// `matched`, a bit per step: bit `i` is set when the selector's steps from the first of its group
/// up to `i` match with step `i` on this element. Step `i` holds when its compound matches and the
/// step before it (`i - 1`) holds on the element its combinator points at, which the walk already
/// knows:
/// - `>`: the parent's `matched` (kept per depth while its children are walked);
/// - descendant: the parent's `inherited`, the union of `matched` over the parent and all its
///   ancestors below the start node;
/// - `+`: the previous element sibling's `matched`;
/// - `~`: `preceding`, the union of `matched` over all previous element siblings.
/// An element is selected when the last step of any group holds. Each element costs a constant
/// number of bit operations and at most one compound test per step, so `div p` on 100,000 nested
/// divs is one pass, where a right-to-left test of every element would climb every ancestry
/// (quadratic) and libxml2's XPath for the same selector is worse. Elements are met in document
/// order, so `found` is in document order with no duplicates, as the XPath's node-set is.
///
/// The first step of a group must be strictly below the start node, as in `xpath` (a
/// `descendant::` step from the start node): the start node itself has no bits.
struct CSSSelectorMatcher: NodeVisitor {
    private let start: xmlNodePtr
    /// Every step of every group, in one sequence.
    private let steps: [CSSSelectorParser.Step]
    /// Per step: whether it is the first of its group (nothing to its left to check).
    private let firstOfGroup: [Bool]
    /// Per step: whether it is the last of its group (the element is selected when it holds).
    private let lastOfGroup: [Bool]
    /// 64-bit words per bit set.
    private let words: Int

    /// Bit sets per depth (depth 0 holds the start node's children), `words` words each: the
    /// element open at that depth, its `inherited`, and its previous element siblings.
    private var matched: [UInt64] = []
    private var inherited: [UInt64] = []
    private var previous: [UInt64] = []
    private var preceding: [UInt64] = []
    /// Per depth: how many elements of the current parent have been entered.
    private var siblingCount: [Int] = []
    /// The depth the next element entered is at.
    private var depth = 0

    private(set) var found: [xmlNodePtr] = []

    init(selector: CSSSelector, start: xmlNodePtr) {
        self.start = start
        steps = selector.groups.flatMap { $0 }
        firstOfGroup = selector.groups.flatMap { group in group.indices.map { $0 == 0 } }
        lastOfGroup = selector.groups.flatMap { group in group.indices.map { $0 == group.count - 1 } }
        words = (steps.count + 63) / 64
        openLevel(0)
    }

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        if node == start { return true }
        guard node.pointee.type == XML_ELEMENT_NODE else { return false }
        siblingCount[depth] += 1
        var selected = false
        let base = depth * words
        let parentBase = (depth - 1) * words
        for step in steps.indices {
            let holds = isSatisfied(step, base: base, parentBase: parentBase) && steps[step].compound.matches(node, siblingIndex: siblingCount[depth])
            let (word, bit) = (base + step / 64, UInt64(1) << UInt64(step % 64))
            if holds {
                matched[word] |= bit
                selected = selected || lastOfGroup[step]
            } else {
                matched[word] &= ~bit
            }
        }
        for word in 0..<words {
            inherited[base + word] = matched[base + word] | (depth > 0 ? inherited[parentBase + word] : 0)
        }
        if selected { found.append(node) }
        depth += 1
        openLevel(depth)
        return true
    }

    mutating func exit(_ node: xmlNodePtr) {
        guard node != start, node.pointee.type == XML_ELEMENT_NODE else { return }
        depth -= 1
        let base = depth * words
        for word in 0..<words {
            previous[base + word] = matched[base + word]
            preceding[base + word] |= matched[base + word]
        }
    }

    /// Whether what step `step`'s combinator points at satisfies the step before it.
    private func isSatisfied(_ step: Int, base: Int, parentBase: Int) -> Bool {
        if firstOfGroup[step] { return true }
        let (word, bit) = ((step - 1) / 64, UInt64(1) << UInt64((step - 1) % 64))
        switch steps[step].combinator {
        case .child: return depth > 0 && matched[parentBase + word] & bit != 0
        case .descendant: return depth > 0 && inherited[parentBase + word] & bit != 0
        case .adjacent: return previous[base + word] & bit != 0
        case .sibling: return preceding[base + word] & bit != 0
        }
    }

    /// Makes depth `level` ready for a new parent's children: no element open, no siblings yet.
    private mutating func openLevel(_ level: Int) {
        let base = level * words
        if matched.count < base + words {
            matched += repeatElement(0, count: words)
            inherited += repeatElement(0, count: words)
            previous += repeatElement(0, count: words)
            preceding += repeatElement(0, count: words)
            siblingCount.append(0)
        }
        for word in base..<(base + words) {
            matched[word] = 0
            previous[word] = 0
            preceding[word] = 0
        }
        siblingCount[level] = 0
    }
}
