import HTML
import LuaBridge

/// The document of one extractor call, as Lua's `doc` userdata sees it.
///
/// Every node handed to Lua during the call is recorded here, and `close()`
/// (run when the call returns, whatever happened) cuts the document and every
/// node loose. So a `doc` or node a script stashed in a global neither pins
/// the libxml2 tree after the call nor reaches it: LuaBridge's call token
/// already refuses such a handle with a Lua error, and even a handle that got
/// past it would find nothing here but "document is no longer available".
///
/// Not `Sendable`: it lives and dies inside one call on one borrowed state.
final class ExtractionScope {
    private(set) var document: HTMLDocument?
    private var nodes: [ExtractionNode] = []

    init(document: HTMLDocument) {
        self.document = document
    }

    /// The document, or a Lua-facing error once the call is over.
    func open() throws(LuaError) -> HTMLDocument {
        guard let document else { throw Self.closed }
        return document
    }

    /// A handle for `node`, valid until `close()`.
    func wrap(_ node: HTMLNode) -> ExtractionNode {
        let handle = ExtractionNode(node: node, scope: self)
        nodes.append(handle)
        return handle
    }

    /// Handles for a node list, in order.
    func wrap(_ list: [HTMLNode]) -> [ExtractionNode] {
        nodes.reserveCapacity(nodes.count + list.count)
        return list.map(wrap)
    }

    /// Ends the call: drops the document and empties every node handle
    /// (which also breaks the node → scope → node reference cycle).
    func close() {
        document = nil
        for node in nodes { node.node = nil }
        nodes.removeAll()
    }

    static let closed = LuaError(kind: .runtime, message: "document is no longer available (it belonged to an earlier call)")
}

/// One node handed to Lua: an element, a text node or an attribute.
final class ExtractionNode {
    fileprivate(set) var node: HTMLNode?
    /// The scope that made this handle, to register the nodes it finds.
    let scope: ExtractionScope

    fileprivate init(node: HTMLNode, scope: ExtractionScope) {
        self.node = node
        self.scope = scope
    }

    /// The node, or a Lua-facing error once the call is over.
    func open() throws(LuaError) -> HTMLNode {
        guard let node else { throw ExtractionScope.closed }
        return node
    }
}
