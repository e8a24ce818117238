import HTML
import LuaBridge

/// The `doc` and node userdata extract.lua's handlers see, registered on
/// every state of a generation before the scripts load.
///
/// Each method reads its object through `ExtractionScope` / `ExtractionNode`,
/// so it refuses to run once the call that handed the object out is over.
/// An invalid XPath or CSS selector raises a Lua error naming the expression
/// (`extract.lua:12: invalid_xpath: Invalid expression in "//a[" at offset 4`),
/// which the script may catch with `pcall`. XPath runs under the call's
/// deadline (`HTMLDocument.xpath(_:from:deadline:)`): past it the expression is
/// abandoned with `xpath_limit` and the call ends in `script_timeout`.
enum ExtractorBindings {
    /// The userdata type names, as Lua's errors print them.
    static let documentType = "document"
    static let nodeType = "node"

    /// Registers both userdata types on `state`.
    static func register(on state: LuaState) {
        let selectors = SelectorCache()
        state.register(type: ExtractionScope.self, name: documentType, methods: documentMethods(selectors))
        state.register(type: ExtractionNode.self, name: nodeType, methods: nodeMethods(selectors))
    }

    // MARK: - doc

    private static func documentMethods(_ selectors: SelectorCache) -> [String: LuaMethod<ExtractionScope>] {
        [
            "xpath": { scope, call in
                try push(xpath: scope.open().xpath(call.string(0), deadline: call.deadline), scope: scope, on: call)
            },
            "css": { scope, call in
                try call.push(objects: scope.wrap(scope.open().select(selectors.compile(call.string(0)))))
            },
            "attr": { scope, call in
                let document = try scope.open()
                let first = try document.select(selectors.compile(call.string(0))).first
                try call.push(text: first?.attribute(call.string(1)))
            },
            "text": { scope, call in
                try call.push(text: scope.open().visibleText(of: optionalNode(call, 0)?.open()))
            },
            "word_count": { scope, call in
                try call.push(.int(Int64(scope.open().wordCount(of: optionalNode(call, 0)?.open()))))
            },
            "markdown": { scope, call in
                try call.push(text: scope.open().markdown(of: optionalNode(call, 0)?.open()))
            },
            "title": { scope, call in try call.push(text: scope.open().title) },
            "description": { scope, call in try call.push(text: scope.open().metaDescription) },
            "canonical": { scope, call in try call.push(text: scope.open().canonicalURL) },
            "language": { scope, call in try call.push(text: scope.open().language) },
            "links": { scope, call in
                try call.push(.table(LuaTable(array: scope.open().links.map(LuaValue.text))))
            },
            "absolute": { scope, call in
                let href = try call.value(0)
                try call.push(text: try href.stringValue.flatMap { try scope.open().absoluteURL($0) })
            },
        ]
    }

    // MARK: - node

    private static func nodeMethods(_ selectors: SelectorCache) -> [String: LuaMethod<ExtractionNode>] {
        [
            "name": { handle, call in try call.push(text: handle.open().name) },
            "text": { handle, call in
                let node = try handle.open()
                let text = node.kind == .element ? node.document.visibleText(of: node) : node.textContent
                try call.push(text: text)
            },
            "attr": { handle, call in try call.push(text: handle.open().attribute(call.string(0))) },
            "html": { handle, call in try call.push(text: handle.open().html) },
            "find": { handle, call in
                let node = try handle.open()
                let found = try node.document.select(selectors.compile(call.string(0)), from: node)
                try call.push(objects: handle.scope.wrap(found))
            },
            "children": { handle, call in
                try call.push(objects: handle.scope.wrap(handle.open().children))
            },
            "xpath": { handle, call in
                let node = try handle.open()
                try push(xpath: node.document.xpath(call.string(0), from: node, deadline: call.deadline), scope: handle.scope, on: call)
            },
        ]
    }

    // MARK: - Helpers

    /// Pushes an XPath result: a list of nodes, a string, a boolean, or a
    /// number (an integer when it has an integer value: `count(//p)` is 3, not 3.0).
    private static func push(xpath result: XPathResult, scope: ExtractionScope, on call: LuaCall) throws {
        switch result {
        case .nodes(let nodes): try call.push(objects: scope.wrap(nodes))
        case .string(let text): try call.push(text: text)
        case .boolean(let flag): try call.push(.bool(flag))
        case .number(let number): try call.push(Int64(exactly: number).map(LuaValue.int) ?? .double(number))
        }
    }

    /// Argument `i` as a node, or nil when absent or nil (so that
    /// `doc:markdown(doc:css("main")[1])` works on a page without `main`).
    private static func optionalNode(_ call: LuaCall, _ i: Int) throws -> ExtractionNode? {
        if i >= call.count { return nil }
        do {
            return try call.object(i, as: ExtractionNode.self)
        } catch {
            if (try? call.value(i)) == .nil { return nil }
            throw error
        }
    }
}

/// Compiled CSS selectors of one state, by source: handlers run the same few
/// selectors on every page, and compiling one costs more than running it.
private final class SelectorCache {
    private var compiled: [String: CSSSelector] = [:]
    /// Bounds the memory a script that builds selectors from page text can take.
    private static let capacity = 256

    func compile(_ source: String) throws(HTMLError) -> CSSSelector {
        if let selector = compiled[source] { return selector }
        let selector = try CSSSelector(source)
        if compiled.count >= Self.capacity { compiled.removeAll(keepingCapacity: true) }
        compiled[source] = selector
        return selector
    }
}
