import Foundation
import HTML
import JSON
import Logging
import LuaBridge
import Scripting
import TestSupport

/// Script folders, registries and pages for the extractor's tests.
enum ExtractorFixtures {
    /// A registry over the shipped scripts with extract.lua replaced (when
    /// given), loaded once. One state by default, so that consecutive calls
    /// run on the same Lua state.
    static func registry(extract: String? = nil, limits: LuaLimits = LuaLimits(), poolCapacity: Int = 1) async throws -> (ScriptRegistry, ScriptFolder) {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        if let extract { folder.write("extract.lua", extract) }
        let registry = ScriptRegistry(
            directory: folder.path, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            limits: limits, poolCapacity: poolCapacity)
        try await registry.reload()
        return (registry, folder)
    }

    /// A page parsed from literal HTML.
    static func document(_ html: String, url: String) throws -> HTMLDocument {
        try HTMLDocument(bytes: Array(html.utf8), contentType: "text/html", url: url)
    }

    static func page(_ url: String, status: Int = 200) -> PageInfo {
        PageInfo(url: url, status: status, headers: [("Content-Type", "text/html; charset=utf-8")])
    }

    /// Parses `html` for `url` and runs the extractor on it, in one function
    /// (the document stays on this task).
    static func extract(_ registry: ScriptRegistry, _ html: String, url: String) async throws(LuaError) -> JSONValue {
        let document: HTMLDocument
        do {
            document = try self.document(html, url: url)
        } catch {
            throw LuaError(kind: .runtime, message: "fixture did not parse: \(error)")
        }
        return try await registry.extractor.extract(document: document, page: page(url))
    }

    /// The bytes of one of the python3.11-doc pages HTMLTests keeps (with
    /// their licence) in `Tests/HTMLTests/Fixtures/python-docs`.
    static func pythonDocsPage(_ name: String) throws -> [UInt8] {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        let path = parts.joined(separator: "/") + "/HTMLTests/Fixtures/python-docs/" + name
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

extension JSONValue {
    /// The same value with every object's keys in sorted order, as
    /// `JSONValue(lua:path:)` builds them: compare expectations written in
    /// any order with `.sortedKeys` on both sides.
    var sortedKeys: JSONValue {
        switch self {
        case .array(let items): return .array(items.map(\.sortedKeys))
        case .object(let object):
            var sorted = JSONObject()
            for key in object.keys.sorted() { sorted[key] = object[key]?.sortedKeys }
            return .object(sorted)
        default: return self
        }
    }
}

/// Whether two JSON values are equal once object keys are put in one order.
func sameJSON(_ actual: JSONValue?, _ expected: JSONValue) -> Bool {
    actual?.sortedKeys == expected.sortedKeys
}
