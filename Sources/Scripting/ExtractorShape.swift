import HTML
import JSON
import LuaBridge

/// Checks extract.lua against its contract at load: `{sites = {...}, default = function}`,
/// and `main = function` when the script overrides main-content detection.
///
/// Besides the shape, `default` is probed twice on a fresh state: with a
/// small sample page, and with `doc = nil` for a JSON body, which it must
/// also answer (non-HTML bodies always go to `default`). So a handler that
/// misspells a method or forgets the nil case is refused at reload, not
/// found out on live traffic. Site handlers are not probed: they may rightly
/// expect their site's markup.
enum ExtractorShape {
    static let script = "extract.lua"
    static let module = "extract"

    static func failure(_ message: String) -> LuaError {
        LuaError(kind: .validation, message: "\(script): \(message)", script: script)
    }

    /// Validates the loaded script and returns its site table.
    static func validate(_ state: LuaState) throws(LuaError) -> ExtractorSites {
        let type = state.typeName(at: .module(module))
        guard type == "table" else { throw failure("the script must return a table (got \(type))") }
        let defaultType = state.typeName(at: .module(module, "default"))
        guard defaultType == "function" else { throw failure("default must be a function (got \(defaultType))") }
        let sitesType = state.typeName(at: .module(module, "sites"))
        guard sitesType == "table" else { throw failure("sites must be a table of host = function (got \(sitesType)); use sites = {} for none") }
        let keys = try state.keys(at: .module(module, "sites"))
        let sites = try ExtractorSites(keys: keys)
        for key in keys.compactMap(\.stringValue) {
            let type = state.typeName(at: .module(module, "sites", key))
            guard type == "function" else { throw failure("sites[\"\(key)\"] must be a function (got \(type))") }
        }
        try probe(state)
        return sites
    }

    /// Whether the script has `main(doc, page)`; anything but a function or nil is refused.
    static func validateMain(_ state: LuaState) throws(LuaError) -> Bool {
        let type = state.typeName(at: .module(module, "main"))
        guard type == "function" || type == "nil" else { throw failure("main must be a function (got \(type)); leave it out to use the built-in detection") }
        return type == "function"
    }

    // MARK: - Probes

    static let sampleURL = "https://example.com/sample"
    static let sampleHTML = """
        <!DOCTYPE html><html lang="en"><head><title>Sample page</title>
        <meta name="description" content="A page to try extract.lua on.">
        <meta property="og:title" content="Sample"><link rel="canonical" href="/sample"></head>
        <body><nav><a href="/">Home</a></nav><main><h1>Sample page</h1><h2>Part</h2>
        <p>Some text with a <a href="/next">link</a>.</p><ul><li><a href="/a">A</a></li></ul></main></body></html>
        """

    private static func probe(_ state: LuaState) throws(LuaError) {
        let handler = LuaPath.module(module, "default")
        let html: HTMLDocument
        do {
            html = try HTMLDocument(bytes: Array(sampleHTML.utf8), contentType: "text/html", url: sampleURL)
        } catch {
            throw LuaError(kind: .validation, message: "cannot parse the sample page: \(error)")
        }
        let page = PageInfo(url: sampleURL, status: 200, headers: [("Content-Type", "text/html; charset=utf-8")])
        do {
            _ = try Extractor.run(handler, on: state, document: html, page: page.luaTable(kind: .html))
        } catch {
            throw probeFailure(error, "default(doc, page) on a sample HTML page")
        }
        let json = PageInfo(url: sampleURL + ".json", status: 200, headers: [("Content-Type", "application/json")])
        do {
            let table = Extractor.bodyTable(Array(#"{"sample": true}"#.utf8), kind: .json, page: json)
            _ = try Extractor.run(handler, on: state, document: nil, page: table)
        } catch {
            throw probeFailure(error, "default(nil, page) on a sample JSON body")
        }
    }

    private static func probeFailure(_ error: LuaError, _ probe: String) -> LuaError {
        LuaError(
            kind: error.kind, message: "\(script): \(probe) failed: \(error.message)",
            script: error.script ?? script, line: error.line, traceback: error.traceback)
    }
}

extension ScriptContract {
    /// extract.lua: `sites` (host pattern → function) and `default`, with
    /// the `doc` and node userdata registered on every state.
    static let extract = ScriptContract(
        script: ExtractorShape.script,
        prepare: { state throws(LuaError) in
            ExtractorBindings.register(on: state)
        }
    ) { state, products throws(LuaError) in
        products.extract = try ExtractorShape.validate(state)
        products.extractHasMain = try ExtractorShape.validateMain(state)
    }
}
