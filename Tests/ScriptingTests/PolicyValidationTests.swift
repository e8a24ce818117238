import InMemoryLogging
import Logging
import LuaBridge
import Scripting
import Testing
import TestSupport

/// A policies.lua that breaks its contract is refused with a precise message.
@Suite struct PolicyValidationTests {
    /// The shipped script with one text replaced, and the message its load must give.
    struct Breakage: Sendable, CustomStringConvertible {
        let replace: String
        let with: String
        let message: String
        var description: String { message }
    }

    static let breakages = [
        Breakage(replace: "promote_after = 3", with: "promote_after = 0", message: "policies.lua: pool.promote_after must be an integer ≥ 1 (got 0)"),
        Breakage(replace: "promote_after = 3", with: "promote_after = 2.5", message: "policies.lua: pool.promote_after must be an integer ≥ 1 (got 2.5)"),
        Breakage(replace: "memory_limit_percent = 95", with: "memory_limit_percent = 0/0", message: "policies.lua: pool.memory_limit_percent must be a number in (0, 100] (got nan)"),
        Breakage(replace: "memory_limit_percent = 95", with: "memory_limit_percent = 120", message: "policies.lua: pool.memory_limit_percent must be a number in (0, 100] (got 120)"),
        Breakage(replace: "idle_ttl_s = 300", with: "idle_ttl_s = '300'", message: "policies.lua: pool.idle_ttl_s must be a number of seconds > 0 (got \"300\")"),
        Breakage(replace: "idle_ttl_s = 300", with: "idle_ttl_s = -1", message: "policies.lua: pool.idle_ttl_s must be a number of seconds > 0 (got -1)"),
        Breakage(replace: "browser = { after_uses = 500 }", with: "ftp = {}", message: "policies.lua: pool.retire has an unknown engine kind \"ftp\""),
        Breakage(replace: "interval_s = 10,", with: "interval_s = 0,", message: "policies.lua: janitor(90).interval_s must be a number of seconds > 0 (got 0)"),
        Breakage(replace: "hot_ttl_s = 120", with: "hot_ttl_s = nil", message: "policies.lua: janitor(90).hot_ttl_s must be a number of seconds ≥ 0 (got nil)"),
        Breakage(replace: "function M.janitor", with: "function M.janitr", message: "policies.lua: janitor must be a function (got nil)"),
        Breakage(replace: "or \"http\"", with: "or \"ftp\"", message: "policies.lua: engine_for(https://example.com/) must return \"http\" or \"browser\" first (got \"ftp\")"),
        Breakage(
            replace: "max_concurrency = clamp(concurrency, limits.min_concurrency, limits.max_concurrency)", with: "max_concurrency = concurrency / 2",
            message: "policies.lua: politeness(example.com).max_concurrency must be an integer ≥ 1 (got 0.5)"),
        // Only the probe of a host that just refused a request takes this path.
        Breakage(
            replace: "concurrency = concurrency // 2", with: "return { delay_ms = -1, max_concurrency = 1 }",
            message: "policies.lua: politeness(example.com).delay_ms must be a number ≥ 0 (got -1)"),
        Breakage(replace: "return math.min(60000, 1000 * 2 ^ (attempt - 1))", with: "return -5", message: "policies.lua: retry(1, ...) must be nil or a delay in ms ≥ 0 (got -5)"),
        Breakage(replace: "return M\n", with: "return 42\n", message: "policies.lua: the script must return a table (got number)"),
        Breakage(replace: "return M\n", with: "M.escalate = true\nreturn M\n", message: "policies.lua: escalate must be a function or absent (got boolean)"),
        Breakage(
            replace: "return M\n", with: "function M.escalate(url, page) return page.scripts end\nreturn M\n",
            message: "policies.lua: escalate(https://example.com/, page) must return true, false or nil (got 2)"),
        Breakage(
            replace: "return M\n", with: "M.identities = { a = { proxy = 'corp' } }\nreturn M\n",
            message: "policies.lua: identities.a.proxy must name a proxy declared in proxies (got \"corp\")"),
        Breakage(
            replace: "return M\n", with: "M.identities = { a = { user_agent = 'x', cookies = 'jar' } }\nreturn M\n",
            message: "policies.lua: identities.a.cookies is not a field of an identity (proxy, user_agent, headers, cookie_jar)"),
        Breakage(
            replace: "return M\n", with: "M.identities = { a = {} }\nfunction M.identity_for(host, stats) return 'b' end\nreturn M\n",
            message: "policies.lua: identity_for(example.com, stats) must return the name of a declared identity or nil (got \"b\")"),
        Breakage(
            replace: "return M\n", with: "function M.blocked(page) return page.status end\nreturn M\n",
            message: "policies.lua: blocked(page) for https://example.com/ must return true, false or nil (got 403)"),
        Breakage(replace: "local proxies = {}", with: "local proxies = 'http://10.0.0.5:3128'", message: "policies.lua: proxies must be a table (got \"http://10.0.0.5:3128\")"),
        Breakage(replace: "local proxies = {}", with: "local proxies = { 'http://10.0.0.5:3128' }", message: "policies.lua: proxies must map names to URLs (got a list)"),
        Breakage(
            replace: "local proxies = {}", with: "local proxies = { ['a b'] = 'http://10.0.0.5:3128' }",
            message: "policies.lua: proxies has a name that is not 1-64 letters, digits, '-', '_' or '.': \"a b\""),
        Breakage(
            replace: "local proxies = {}", with: "local proxies = { corp = 'ftp://10.0.0.5:21' }",
            message: "policies.lua: proxies.corp must be a string http://host:port or socks5://host:port (got \"ftp://10.0.0.5:21\")"),
        Breakage(replace: "local jobs = { cluster = false }", with: "local jobs = { cluster = 'yes' }", message: "policies.lua: jobs.cluster must be true or false (got \"yes\")"),
    ]

    /// `jobs.cluster` is read at load: the default `job.submit` takes when a request leaves `cluster` out.
    @Test func jobsClusterIsTheSubmitDefault() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        _ = try await registry.reload()
        #expect(registry.policies.settings.clusterJobs == false)
        folder.write("policies.lua", folder.read("policies.lua").replacingFirst("local jobs = { cluster = false }", with: "local jobs = { cluster = true }"))
        _ = try await registry.reload()
        #expect(registry.policies.settings.clusterJobs == true)
    }

    @Test(arguments: breakages)
    func brokenPoliciesAreRefused(breakage: Breakage) async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let source = folder.read("policies.lua")
        #expect(source.contains(breakage.replace))
        folder.write("policies.lua", source.replacingFirst(breakage.replace, with: breakage.with))
        let registry = ScriptRegistry(directory: folder.path, logger: Logger(label: "test") { _ in InMemoryLogHandler() })
        let error = await #expect(throws: LuaError.self) { try await registry.reload() }
        #expect(error?.message == breakage.message)
        #expect(error?.script == "policies.lua")
        #expect(registry.generation == 0)
    }
}

extension String {
    /// This text with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let bytes = Array(utf8), pattern = Array(target.utf8)
        guard pattern.count <= bytes.count else { return self }
        for start in 0...(bytes.count - pattern.count) where bytes[start..<start + pattern.count].elementsEqual(pattern) {
            return String(decoding: bytes[..<start] + Array(replacement.utf8) + bytes[(start + pattern.count)...], as: UTF8.self)
        }
        return self
    }
}
