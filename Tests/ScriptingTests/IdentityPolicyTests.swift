import InMemoryLogging
import JSON
import Logging
import LuaBridge
import Scripting
import Testing
import TestSupport

/// policies.lua's identities, `identity_for` and `blocked` (issue 24): read
/// at load, swapped in by a reload, and kept when a reload is refused.
@Suite struct IdentityPolicyTests {
    static let declared = """
        local proxies = { pa = 'http://127.0.0.1:3128' }
        M.proxies = proxies
        M.identities = {
          a = { proxy = 'pa', user_agent = 'A', headers = { ['Accept-Language'] = 'fr' } },
          b = { user_agent = 'B', cookie_jar = 'shared' },
        }
        function M.identity_for(host, stats)
          return stats.identities[#stats.identities]
        end
        function M.blocked(page)
          return page.status == 403 or page.title == 'Access denied'
        end
        return M

        """

    @Test func identitiesReloadAndABrokenReloadKeepsThem() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let shipped = folder.read("policies.lua")
        folder.write("policies.lua", shipped.replacingFirst("return M\n", with: Self.declared))
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        #expect(try await registry.reload() == 1)
        let policies = registry.policies
        let identities = policies.settings.identities
        #expect(identities["a"] == IdentitySettings(name: "a", config: ["proxy": "pa", "user_agent": "A", "headers": ["Accept-Language": "fr"]], cookieJar: "a"))
        #expect(identities["b"] == IdentitySettings(name: "b", config: ["user_agent": "B"], cookieJar: "shared"))
        #expect(await policies.identity(for: "example.com", stats: ["identities": ["a", "b"]]) == "b")
        #expect(await policies.blocked(page: ["url": "https://example.com/", "status": 200, "title": "Access denied"]) == true)
        #expect(await policies.blocked(page: ["url": "https://example.com/", "status": 200, "title": "Welcome"]) == false)

        folder.write("policies.lua", shipped.replacingFirst("return M\n", with: "M.identities = { a = { proxy = 'nope' } }\nreturn M\n"))
        await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(registry.generation == 1)
        #expect(policies.settings.identities.keys.sorted() == ["a", "b"])

        folder.write("policies.lua", shipped)
        #expect(try await registry.reload() == 2)
        #expect(policies.settings.identities.isEmpty)
        #expect(await policies.identity(for: "example.com", stats: [:]) == nil)
        #expect(await policies.blocked(page: ["status": 403]) == nil, "without blocked(page), crawld decides (a 403)")
    }
}
