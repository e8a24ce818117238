import HTML
import LuaBridge

extension Extractor {
    // MARK: - Main content

    /// extract.lua's choice of the page's main content: `main(doc, page)`, called like a site
    /// handler (same state pool, instruction budget, deadline and memory cap).
    ///
    /// `main` may return a node (`doc:css("#content")[1]`), a CSS selector (`"div.article"`,
    /// whose first match is taken), or nil to leave the choice to the built-in detection; a
    /// selector that matches nothing also falls back to it, so one odd page of a site does
    /// not lose its content. `main` sees every page: a per-site choice tests `page.final_url`.
    /// - Returns: the chosen node, or nil when the script has no `main` or it declined.
    /// - Throws: `LuaError` when `main` raised, ran past a limit, or returned something else
    ///   (a number, a table) or an invalid selector.
    public func mainContent(document: HTMLDocument, page: PageInfo) async throws(LuaError) -> HTMLNode? {
        let generation = try live()
        guard generation.product.extractHasMain else { return nil }
        let table = page.luaTable(kind: .html)
        return try await Self.borrow(generation) { state throws(LuaError) in
            try Self.runMain(on: state, document: document, page: table)
        }
    }

    private static func runMain(on state: LuaState, document: HTMLDocument, page: LuaTable) throws(LuaError) -> HTMLNode? {
        let scope = ExtractionScope(document: document)
        defer { scope.close() }
        let path = LuaPath.module(ExtractorShape.module, "main")
        let chosen = try state.call(path, arguments: [.object(scope), .value(.table(page))]) { results throws(LuaError) -> Choice in
            if let handle = results.object(0, as: ExtractionNode.self) { return .node(try handle.open()) }
            let value = try results.value(0)
            if value == .nil { return .none }
            guard let selector = value.stringValue else {
                throw LuaError(kind: .runtime, message: "\(path) must return a node, a CSS selector or nil (got \(PolicyShape.describe(value)))", script: ExtractorShape.script)
            }
            return .selector(selector)
        }
        switch chosen {
        case .none: return nil
        case .node(let node): return node
        case .selector(let source):
            do {
                return try document.select(CSSSelector(source)).first
            } catch {
                throw LuaError(kind: .runtime, message: "\(path) returned an invalid selector: \(error)", script: ExtractorShape.script)
            }
        }
    }

    private enum Choice {
        case none, node(HTMLNode), selector(String)
    }
}
