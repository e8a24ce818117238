import HTML
import JSON
import LuaBridge
import Scripting
import Testing

/// extract.lua's `main(doc, page)`: the per-site choice of a page's main content that
/// `fit_markdown` renders, on real Lua and real libxml2.
@Suite struct ExtractorMainTests {
    static let html = """
        <html><body><nav><a href="/">Home</a></nav>
        <div id="lead"><p>The lead paragraph, which a site's script knows is the content.</p></div>
        <div id="other"><p>Another part of the page that the detection would happily take as well.</p></div>
        </body></html>
        """

    /// The main content text `main` chooses for a page of `host`.
    private func fit(_ main: String, host: String = "news.test", limits: LuaLimits = LuaLimits()) async throws -> String? {
        let script = "return { sites = {}, default = function() return {} end, main = \(main) }"
        let (registry, _) = try await ExtractorFixtures.registry(extract: script, limits: limits)
        let url = "https://\(host)/story"
        let document = try ExtractorFixtures.document(Self.html, url: url)
        guard let node = try await registry.extractor.mainContent(document: document, page: ExtractorFixtures.page(url)) else { return nil }
        return document.fitMarkdown(main: node)
    }

    @Test func mainReturningANodeChoosesIt() async throws {
        let chosen = try await fit(##"function(doc, page) return doc:css("#lead")[1] end"##)
        #expect(chosen == "The lead paragraph, which a site's script knows is the content.\n")
    }

    @Test func mainReturningASelectorChoosesItsFirstMatch() async throws {
        #expect(try await fit(##"function(doc, page) return "#other" end"##) == "Another part of the page that the detection would happily take as well.\n")
    }

    @Test func mainChoosesPerSiteByTheFinalURL() async throws {
        let main = ##"function(doc, page) if page.final_url:find("//news.test/", 1, true) then return "#lead" end end"##
        #expect(try await fit(main, host: "news.test")?.hasPrefix("The lead") == true)
        #expect(try await fit(main, host: "blog.test") == nil, "nil leaves the choice to the detection")
        #expect(try await fit(##"function(doc, page) return "#missing" end"##) == nil, "a selector matching nothing falls back")
    }

    @Test func mainReturningAnythingElseIsAScriptError() async throws {
        let error = await #expect(throws: LuaError.self) { try await fit("function(doc, page) return 42 end") }
        #expect(error?.message.contains("must return a node, a CSS selector or nil (got") == true)
        let invalid = await #expect(throws: LuaError.self) { try await fit(##"function(doc, page) return "div[" end"##) }
        #expect(invalid?.message.contains("invalid selector") == true)
    }

    @Test func mainRunsUnderTheInstructionBudget() async throws {
        let error = await #expect(throws: LuaError.self) {
            try await fit("function(doc, page) while true do end end", limits: LuaLimits(instructions: 2_000_000, timeout: .seconds(30)))
        }
        #expect(error?.kind == .budgetExceeded)
    }

    @Test func aMainThatIsNotAFunctionIsRefusedAtLoad() async throws {
        let error = await #expect(throws: LuaError.self) {
            _ = try await ExtractorFixtures.registry(extract: "return { sites = {}, default = function() return {} end, main = 'div.article' }")
        }
        #expect(error?.message.contains("main must be a function (got string)") == true)
    }

    @Test func withoutMainTheDetectionDecides() async throws {
        let (registry, _) = try await ExtractorFixtures.registry()
        let document = try ExtractorFixtures.document(Self.html, url: "https://news.test/")
        #expect(try await registry.extractor.mainContent(document: document, page: ExtractorFixtures.page("https://news.test/")) == nil)
    }
}
