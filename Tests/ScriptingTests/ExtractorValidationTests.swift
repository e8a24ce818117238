import Logging
import LuaBridge
import Scripting
import Testing
import TestSupport

/// An extract.lua that breaks its contract refuses the whole generation.
@Suite struct ExtractorValidationTests {
    static let valid = "return { sites = { ['a.test'] = function(doc, page) return { v = 1 } end }, default = function() return {} end }"

    @Test(arguments: [
        ("return 42", "extract.lua: the script must return a table (got number)"),
        ("return { sites = {} }", "extract.lua: default must be a function (got nil)"),
        ("return { default = function() return {} end }", "extract.lua: sites must be a table of host = function (got nil); use sites = {} for none"),
        ("return { sites = { ['a.test'] = 'x' }, default = function() return {} end }", "extract.lua: sites[\"a.test\"] must be a function (got string)"),
        ("return { sites = { function() end }, default = function() return {} end }", "extract.lua: sites keys must be host names (got 1)"),
        (
            "return { sites = { ['https://a.test/'] = function() end }, default = function() return {} end }",
            "extract.lua: sites key \"https://a.test/\" must be a host (docs.example.org) or a wildcard (*.example.org)"
        ),
        (
            "return { sites = { ['a..test'] = function() end }, default = function() return {} end }",
            "extract.lua: sites key \"a..test\" must be a host (docs.example.org) or a wildcard (*.example.org)"
        ),
        (
            "return { sites = { ['*'] = function() end }, default = function() return {} end }",
            "extract.lua: sites key \"*\" must be a host (docs.example.org) or a wildcard (*.example.org)"
        ),
    ])
    func aBrokenShapeIsRefused(source: String, message: String) async throws {
        let error = await refusal(source)
        #expect(error?.message == message)
        #expect(error?.kind == .validation)
    }

    /// Loads the shipped scripts with extract.lua replaced by `source`,
    /// expecting the load to be refused; returns the error.
    private func refusal(_ source: String?) async -> LuaError? {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        if let source { folder.write("extract.lua", source) } else { folder.remove("extract.lua") }
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let error = await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(registry.generation == 0)
        return error
    }

    @Test func aDefaultThatFailsOnTheSamplePageIsRefused() async throws {
        let error = await refusal("return { sites = {},\n default = function(doc, page)\n return { t = doc:titel() }\n end }")
        #expect(error?.message.hasPrefix("extract.lua: default(doc, page) on a sample HTML page failed: extract.lua:3: attempt to call a nil value (method 'titel')") == true)
        #expect(error?.line == 3)
    }

    @Test func aDefaultThatForgetsNonHTMLBodiesIsRefused() async throws {
        let error = await refusal("return { sites = {},\n default = function(doc, page)\n return { t = doc:title() }\n end }")
        #expect(error?.message.hasPrefix("extract.lua: default(nil, page) on a sample JSON body failed: extract.lua:3: attempt to index a nil value (local 'doc')") == true)
    }

    @Test func aMissingExtractScriptIsRefused() async throws {
        let error = await refusal(nil)
        #expect(error?.message == "extract.lua is missing from the scripts directory")
    }

    @Test func aBrokenExtractScriptKeepsTheOldGeneration() async throws {
        let (registry, folder) = try await ExtractorFixtures.registry(extract: Self.valid)
        #expect(try await ExtractorFixtures.extract(registry, "<p>x</p>", url: "https://a.test/") == ["v": 1])

        folder.write("extract.lua", Self.valid.replacingFirst("{ v = 1 }", with: "{ v = 2 "))
        let syntax = await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(syntax?.kind == .syntax)
        #expect(syntax?.script == "extract.lua")
        #expect(registry.generation == 1)
        #expect(registry.lastError == syntax)
        #expect(try await ExtractorFixtures.extract(registry, "<p>x</p>", url: "https://a.test/") == ["v": 1])

        folder.write("extract.lua", Self.valid.replacingFirst("{ v = 1 }", with: "{ v = 2 }"))
        #expect(try await registry.reload() == 2)
        #expect(try await ExtractorFixtures.extract(registry, "<p>x</p>", url: "https://a.test/") == ["v": 2])
    }
}
