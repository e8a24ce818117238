import HTML
import JSON
import LuaBridge

/// The typed view of extract.lua: runs the handler for a page's site and
/// returns what it returned as the answer's `data`.
///
/// The crawl path, on its request task:
/// 1. HTML's `BodyKind.classify(contentType:body:)`;
/// 2. for `.html`: builds an `HTMLDocument` (parse before taking a Lua
///    state, so a slow parse holds none), calls `extract(document:page:)`,
///    then reads `title`, `links` and the asked formats from the same
///    document, which it drops when the page is done;
/// 3. for any other kind: `extract(body:kind:page:)`; the HTML parser never
///    sees the body.
///
/// HTML pages go to the handler of the final URL's host (`ExtractorSites`
/// says which); non-HTML bodies always go to `default`, with `doc = nil`.
/// The document never leaves the calling task: `extract(document:page:)`
/// borrows a state of the live generation and makes the whole Lua call
/// inside that borrow, so nothing that is not `Sendable` crosses an await.
///
/// Every failure is a `LuaError` for the crawl's `script_error`: the
/// handler raised (`extract.lua:12: ...`, also an invalid XPath or selector
/// it did not catch), ran past its budget, deadline or memory cap, or
/// returned what JSON cannot hold (`cannot convert a function at data.x`).
/// The state stays usable for the next page either way.
public struct Extractor: Sendable {
    private let scripts: LuaScriptRegistry<ScriptProducts>

    /// Non-HTML bodies larger than this reach Lua as `page.text` cut to this
    /// size (with `page.truncated = true`) and never as parsed `page.json`:
    /// the copy into Lua is made outside the script's memory cap.
    public static let maxBodyBytes = 1 << 20

    init(scripts: LuaScriptRegistry<ScriptProducts>) {
        self.scripts = scripts
    }

    // MARK: - Extracting

    /// Runs the site's handler on an HTML page: `handler(doc, page)`.
    /// - Parameters:
    ///   - document: the page, parsed from the body with `page.contentType`
    ///     and `page.finalURL`; valid in Lua only during this call.
    ///   - page: the fetch's facts; `page.kind` is `"html"`.
    /// - Returns: the handler's result as JSON (`.null` when it returned nil).
    /// - Throws: `LuaError` (see the type's comment), or `.validation` when no
    ///   script set is loaded.
    public func extract(document: HTMLDocument, page: PageInfo) async throws(LuaError) -> JSONValue {
        let generation = try live()
        let handler = generation.product.extract.handler(forHost: page.host)
        let table = page.luaTable(kind: .html)
        return try await Self.borrow(generation) { state throws(LuaError) in
            try Self.run(handler, on: state, document: document, page: table)
        }
    }

    /// Runs `default(nil, page)` for a body that is not HTML.
    ///
    /// `page.size` is the body's length. `.json`: `page.json` is the parsed
    /// value (JSON null members are absent, as in Lua JSON libraries), or
    /// `page.text` when it does not parse. `.text`: `page.text` is the body
    /// as UTF-8 (invalid bytes replaced). `.image`, `.pdf`, `.binary`: no
    /// content, only `page.kind`, `page.content_type` and `page.size`.
    /// Bodies over `maxBodyBytes` give a truncated `page.text` only.
    public func extract(body: some Collection<UInt8>, kind: BodyKind, page: PageInfo) async throws(LuaError) -> JSONValue {
        let generation = try live()
        let table = Self.bodyTable(body, kind: kind, page: page)
        return try await Self.borrow(generation) { state throws(LuaError) in
            try Self.run(.module(ExtractorShape.module, "default"), on: state, document: nil, page: table)
        }
    }

    // MARK: - Running a handler

    /// Calls `handler(doc, page)` on `state` and converts its first result.
    /// The document is open to Lua only inside this function.
    static func run(_ handler: LuaPath, on state: LuaState, document: HTMLDocument?, page: LuaTable) throws(LuaError) -> JSONValue {
        let scope = document.map(ExtractionScope.init)
        defer { scope?.close() }
        let doc: LuaArgument = scope.map { .object($0) } ?? .value(.nil)
        let results: [LuaValue]
        do {
            results = try state.call(handler, arguments: [doc, .value(.table(page))])
        } catch {
            throw namingData(error, handler: handler)
        }
        return try JSONValue(lua: results.first ?? .nil, path: "data")
    }

    /// LuaBridge names a result it cannot copy after the function
    /// (`extract.sites.docs.python.org().x`); the operator knows it as `data.x`.
    private static func namingData(_ error: LuaError, handler: LuaPath) -> LuaError {
        guard error.kind == .conversion else { return error }
        var renamed = error
        renamed.message = error.message.replacing("at \(handler)()", with: "at data")
        return renamed
    }

    /// The `page` table for a non-HTML body.
    static func bodyTable(_ body: some Collection<UInt8>, kind: BodyKind, page: PageInfo) -> LuaTable {
        var table = page.luaTable(kind: kind)
        table.map["size"] = .int(Int64(body.count))
        guard kind == .json || kind == .text else { return table }
        if body.count > maxBodyBytes {
            table.map["text"] = .string(Array(String(decoding: body.prefix(maxBodyBytes), as: UTF8.self).utf8))
            table.map["truncated"] = .bool(true)
            return table
        }
        let bytes = Array(body)
        if kind == .json, let json = try? JSONValue.parse(bytes) {
            table.map["json"] = LuaValue(json: json)
        } else {
            table.map["text"] = .string(Array(String(decoding: bytes, as: UTF8.self).utf8))
        }
        return table
    }

    // MARK: - Generations

    func live() throws(LuaError) -> LuaScriptGeneration<ScriptProducts> {
        guard let generation = scripts.current else {
            throw LuaError(kind: .validation, message: "\(ExtractorShape.script) is not loaded yet", script: ExtractorShape.script)
        }
        return generation
    }

    /// Runs `body` on a state of `generation`, on `ScriptExecutor`'s threads,
    /// with the pool's untyped errors (a state that could not be built) as
    /// `LuaError`s.
    static func borrow<Result>(
        _ generation: LuaScriptGeneration<ScriptProducts>,
        _ body: (LuaState) throws(LuaError) -> Result
    ) async throws(LuaError) -> Result {
        do {
            return try await withTaskExecutorPreference(ScriptExecutor.shared) {
                try await generation.pool.withState { state in try body(state) }
            }
        } catch let error as LuaError {
            throw error
        } catch {
            throw LuaError(kind: .runtime, message: "\(error)")
        }
    }
}
