import InMemoryLogging
import Logging
import Scripting
import Testing
import TestSupport

/// The optional `escalate(url, page)`: absent, nothing is asked; present, it
/// sees the page's facts; failing, the HTTP result is kept.
@Suite struct PolicyEscalationTests {
    private static let shell = EscalationFacts(
        status: 200, contentType: "text/html", bytes: 310, title: "Shell", textLength: 3, scripts: 1, links: 0
    )
    private static let article = EscalationFacts(
        status: 200, contentType: "text/html", bytes: 9_000, title: "Article", textLength: 4_000, scripts: 1, links: 12
    )

    private static func policies(adding hook: String?) async throws -> (Policies, InMemoryLogHandler) {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        if let hook { folder.write("policies.lua", folder.read("policies.lua").replacingFirst("return M\n", with: hook + "\nreturn M\n")) }
        let log = InMemoryLogHandler()
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in log })
        try await registry.reload()
        return (registry.policies, log)
    }

    @Test func shippedPoliciesNeverEscalate() async throws {
        let (policies, _) = try await Self.policies(adding: nil)
        #expect(policies.settings.escalates == false)
        #expect(await policies.escalate(url: "https://example.com/", page: Self.shell) == false)
    }

    @Test func theHookSeesThePageFacts() async throws {
        let (policies, _) = try await Self.policies(
            adding: """
                function M.escalate(url, page)
                  return page.status == 200 and page.scripts > 0 and page.text_length < 200
                    and page.title == "Shell" and page.bytes == 310 and page.links == 0
                    and page.content_type == "text/html" and url == "https://app.example/"
                end
                """)
        #expect(policies.settings.escalates)
        #expect(await policies.escalate(url: "https://app.example/", page: Self.shell))
        #expect(await policies.escalate(url: "https://app.example/", page: Self.article) == false)
        #expect(await policies.escalate(url: "https://other.example/", page: Self.shell) == false)
    }

    @Test func aFailingHookKeepsTheHTTPResult() async throws {
        let (policies, log) = try await Self.policies(
            adding: """
                function M.escalate(url, page)
                  if url == "https://broken.example/" then error("escalate exploded") end
                  return nil
                end
                """)
        #expect(await policies.escalate(url: "https://broken.example/", page: Self.shell) == false)
        let errors = log.entries.filter { $0.message.description.hasPrefix("script_error") }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["crawld.function"]?.description == "escalate")
    }
}
