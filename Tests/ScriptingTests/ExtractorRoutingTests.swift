import HTML
import JSON
import Logging
import LuaBridge
import Scripting
import Testing

/// Which handler a page gets, and what `page` holds.
@Suite struct ExtractorRoutingTests {
    static let script = """
        local function named(name)
          return function(doc, page) return { handler = name, host_url = page.final_url } end
        end
        return {
          sites = {
            ["docs.example.org"] = named("exact"),
            ["*.example.org"] = named("wildcard"),
            ["*.api.example.org"] = named("longer wildcard"),
          },
          default = function(doc, page)
            if doc == nil then return { handler = "default", kind = page.kind } end
            return { handler = "default" }
          end,
        }
        """

    @Test(arguments: [
        ("https://docs.example.org/a", "exact"),
        ("https://DOCS.Example.org:8443/a?q=1", "exact"),
        ("https://user@docs.example.org./", "exact"),
        ("https://blog.example.org/", "wildcard"),
        ("https://a.b.example.org/", "wildcard"),
        ("https://v1.api.example.org/x", "longer wildcard"),
        ("https://example.org/", "default"),
        ("https://notexample.org/", "default"),
        ("https://other.test/", "default"),
    ])
    func handlerByHost(url: String, handler: String) async throws {
        let (registry, _) = try await ExtractorFixtures.registry(extract: Self.script)
        let data = try await ExtractorFixtures.extract(registry, "<p>x</p>", url: url)
        #expect(data.objectValue?["handler"] == .string(handler))
    }

    @Test func theFinalURLPicksTheHandler() async throws {
        let (registry, _) = try await ExtractorFixtures.registry(extract: Self.script)
        let document = try ExtractorFixtures.document("<p>x</p>", url: "https://docs.example.org/moved")
        let page = PageInfo(url: "https://old.test/", finalURL: "https://docs.example.org/moved", status: 200)
        let data = try await registry.extractor.extract(document: document, page: page)
        #expect(sameJSON(data, ["handler": "exact", "host_url": "https://docs.example.org/moved"]))
    }

    @Test func thePageTableHoldsTheFetch() async throws {
        let script = """
            return { sites = {}, default = function(doc, page)
              return { url = page.url, final_url = page.final_url, status = page.status, depth = page.depth,
                       kind = page.kind, content_type = page.content_type, vary = page.headers.vary,
                       server = page.headers.server }
            end }
            """
        let (registry, _) = try await ExtractorFixtures.registry(extract: script)
        let document = try ExtractorFixtures.document("<p>x</p>", url: "https://b.test/")
        let page = PageInfo(
            url: "https://a.test/", finalURL: "https://b.test/", status: 404,
            headers: [("Content-Type", "text/html"), ("Vary", "Accept"), ("vary", "Cookie"), ("Server", "nginx")], depth: 2)
        let data = try await registry.extractor.extract(document: document, page: page)
        #expect(
            sameJSON(
                data,
                [
                    "url": "https://a.test/", "final_url": "https://b.test/", "status": 404, "depth": 2, "kind": "html",
                    "content_type": "text/html", "vary": "Accept, Cookie", "server": "nginx",
                ]))
    }

    @Test func nonHTMLBodiesGoToDefaultWithoutADocument() async throws {
        let script = """
            return {
              sites = { ["api.test"] = function(doc, page) return { handler = "site" } end },
              default = function(doc, page)
                return { doc = doc == nil, kind = page.kind, size = page.size, json = page.json, text = page.text,
                         truncated = page.truncated }
              end,
            }
            """
        let (registry, _) = try await ExtractorFixtures.registry(extract: script)
        let extractor = registry.extractor
        let json = Array(#"{"name": "crawld", "tags": ["a", "b"]}"#.utf8)
        #expect(BodyKind.classify(contentType: "application/json", body: json) == .json)
        let page = PageInfo(url: "https://api.test/v1", status: 200, headers: [("Content-Type", "application/json")])
        #expect(
            try await sameJSON(
                extractor.extract(body: json, kind: .json, page: page),
                [
                    "doc": true, "kind": "json", "size": 38, "json": ["name": "crawld", "tags": ["a", "b"]],
                ]))
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        #expect(BodyKind.classify(contentType: "text/html", body: png) == .image)
        #expect(try await sameJSON(extractor.extract(body: png, kind: .image, page: page), ["doc": true, "kind": "image", "size": 12]))
        let broken = Array("{not json".utf8)
        #expect(try await sameJSON(extractor.extract(body: broken, kind: .json, page: page), ["doc": true, "kind": "json", "size": 9, "text": "{not json"]))
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: Extractor.maxBodyBytes + 10)
        let data = try await extractor.extract(body: large, kind: .text, page: page)
        #expect(data.objectValue?["truncated"] == true)
        #expect(data.objectValue?["text"]?.stringValue?.utf8.count == Extractor.maxBodyBytes)
    }

    @Test func extractingBeforeAnyLoadIsAScriptError() async throws {
        let registry = ScriptRegistry(directory: "/nonexistent", logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let document = try ExtractorFixtures.document("<p>x</p>", url: "https://a.test/")
        let error = await #expect(throws: LuaError.self) {
            try await registry.extractor.extract(document: document, page: ExtractorFixtures.page("https://a.test/"))
        }
        #expect(error?.message == "extract.lua is not loaded yet")
    }
}
