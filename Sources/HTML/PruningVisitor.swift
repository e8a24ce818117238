internal import CLibXML2

/// Hands a walk to another visitor with some subtrees left out, so the Markdown renderer can
/// render the main content without a second renderer or a copy of the tree.
///
/// A pruned node is neither entered nor exited for the inner visitor; the walk still calls
/// `exit` for it (it calls `exit` for every node it entered), and that call is swallowed.
struct PruningVisitor<Inner: NodeVisitor>: NodeVisitor {
    var inner: Inner
    let pruned: Set<xmlNodePtr>

    mutating func enter(_ node: xmlNodePtr) -> Bool {
        if pruned.contains(node) { return false }
        return inner.enter(node)
    }

    mutating func exit(_ node: xmlNodePtr) {
        if pruned.contains(node) { return }
        inner.exit(node)
    }
}
