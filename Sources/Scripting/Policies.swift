import JSON
import LuaBridge
import Logging
import Pool
import Synchronization

/// The typed view of policies.lua, over whatever generation is live.
///
/// Static values (`pool.*`) were read at validation. Functions run on a
/// borrowed state of the live generation; when one fails at run time (an
/// error, the budget, or a value of the wrong shape or range), the failure is
/// logged as a `script_error` and the last good value is returned (but for
/// `engine_for`, whose failure fails its request): never a
/// crash, never a busy loop from a zero interval. Before the first load, the
/// crawl4ai defaults (`PolicySettings.defaults`) apply.
public struct Policies: PoolPolicy {
    private let scripts: LuaScriptRegistry<ScriptProducts>
    private let logger: Logger
    private let lastGood = LastGood()

    init(scripts: LuaScriptRegistry<ScriptProducts>, logger: Logger) {
        self.scripts = scripts
        self.logger = logger
    }

    /// The live generation's settings (defaults before the first load).
    public var settings: PolicySettings { scripts.current?.product.policies ?? .defaults }

    // MARK: - PoolPolicy

    public func promoteAfter() async -> Int { settings.promoteAfter }

    public func memoryLimitPercent() async -> Double { settings.memoryLimitPercent }

    /// `pool.idle_ttl_s`.
    public func idleTTL() async -> Duration { settings.idleTTL }

    /// `pool.retire[kind]`; a kind not listed never retires.
    public func retirement(kind: String) async -> RetirementSettings {
        settings.retirement[kind] ?? RetirementSettings()
    }

    /// `janitor(memory_percent)`.
    public func janitor(memoryPercent: Double) async -> JanitorSettings {
        let fresh = await evaluate("janitor", [.double(memoryPercent)]) { results throws(LuaError) in
            try PolicyShape.janitor(results, memoryPercent: memoryPercent)
        }
        if let fresh { lastGood.values.withLock { $0.janitor = fresh } }
        return fresh ?? lastGood.values.withLock { $0.janitor } ?? settings.janitor
    }

    // MARK: - Requests

    /// `engine_for(url, request)`: the engine and config for one request.
    ///
    /// A call that fails (an error, the budget, a value of the wrong shape)
    /// fails this request, after logging: it never falls back to an earlier
    /// choice, since that was made for another request and may carry that
    /// client's headers, cookies and proxy. Before any script set has
    /// loaded, the defaults apply (they hold no client's values).
    /// - Parameter request: the request's fields, as the script sees them.
    /// - Throws: `LuaError`, which the wire calls `script_error`.
    public func engine(for url: String, request: JSONObject) async throws(LuaError) -> EngineChoice {
        guard let generation = scripts.current else { return settings.engine }
        do {
            return try await call(generation, "engine_for", [.text(url), LuaValue(json: .object(request))]) { results throws(LuaError) in
                try PolicyShape.engine(results, url: url)
            }
        } catch {
            log(error, function: "engine_for", generation: generation, outcome: "the request fails")
            throw error
        }
    }

    /// `escalate(url, page)`: whether an HTTP page should be rendered by the
    /// browser instead. False without a call when policies.lua does not define
    /// it, and false when the call fails (a broken hook must not send every
    /// page to a browser).
    public func escalate(url: String, page: EscalationFacts) async -> Bool {
        guard settings.escalates else { return false }
        let fresh = await evaluate("escalate", [.text(url), LuaValue(json: .object(page.json))]) { results throws(LuaError) in
            try PolicyShape.escalate(results, url: url)
        }
        return fresh ?? false
    }

    /// `politeness(host, stats)`: the delay and concurrency for the next
    /// request to `host`, given what crawld saw of it lately (Jobs'
    /// `HostStats.json`; empty when nothing was seen). A policy written for
    /// `politeness(host)` ignores the second argument and keeps working.
    public func politeness(host: String, stats: JSONObject = [:]) async -> Politeness {
        let fresh = await evaluate("politeness", [.text(host), LuaValue(json: .object(stats))]) { results throws(LuaError) in
            try PolicyShape.politeness(results, host: host)
        }
        if let fresh { lastGood.values.withLock { $0.politeness = fresh } }
        return fresh ?? lastGood.values.withLock { $0.politeness } ?? settings.politeness
    }

    // MARK: - Identities

    /// `identity_for(host, stats)`: which identity the next request to
    /// `host` goes as. `stats` carries `identities`, the names still
    /// available for the host. Nil when the function is absent, fails, or
    /// answers nil: crawld then picks the first available itself.
    public func identity(for host: String, stats: JSONObject) async -> String? {
        let settings = self.settings
        guard settings.choosesIdentity else { return nil }
        let fresh = await evaluate("identity_for", [.text(host), LuaValue(json: .object(stats))]) { results throws(LuaError) in
            try PolicyShape.identityChoice(results, host: host, identities: settings.identities)
        }
        return fresh ?? nil
    }

    /// `blocked(page)`: whether the site refused the identity the page went
    /// as. Nil when the function is absent (crawld then treats a 403 as a
    /// block); false when it fails, so a broken hook never retires every identity.
    public func blocked(page: JSONObject) async -> Bool? {
        guard settings.decidesBlocks else { return nil }
        let url = page["url"]?.stringValue ?? ""
        let fresh = await evaluate("blocked", [LuaValue(json: .object(page))]) { results throws(LuaError) in
            try PolicyShape.blocked(results, url: url)
        }
        return fresh ?? false
    }

    /// `retry(attempt, status, error)`: the delay before the next attempt, or
    /// nil to give up. A failing retry policy gives up, so a broken script can
    /// never retry a page forever.
    /// - Parameters:
    ///   - attempt: 1 for the first retry.
    ///   - status: the HTTP status, nil when no response came.
    ///   - error: the error's code (`timeout`), nil when a response came.
    public func retryDelay(attempt: Int, status: Int?, error: String?) async -> Duration? {
        let arguments: [LuaValue] = [.int(Int64(attempt)), status.map { .int(Int64($0)) } ?? .nil, error.map { .text($0) } ?? .nil]
        let fresh = await evaluate("retry", arguments) { results throws(LuaError) in
            try PolicyShape.retry(results, attempt: attempt)
        }
        return fresh ?? nil
    }

    // MARK: - Running policy functions

    /// Calls `policies.<function>` on the live generation and checks the
    /// results; nil (after logging) when either fails or nothing is loaded.
    private func evaluate<Value: Sendable>(
        _ function: String, _ arguments: [LuaValue],
        check: (LuaResults) throws(LuaError) -> Value
    ) async -> Value? {
        guard let generation = scripts.current else { return nil }
        do {
            return try await call(generation, function, arguments, check: check)
        } catch {
            log(error, function: function, generation: generation, outcome: "using the last good value")
            return nil
        }
    }

    private func call<Value: Sendable>(
        _ generation: LuaScriptGeneration<ScriptProducts>, _ function: String,
        _ arguments: [LuaValue], check: (LuaResults) throws(LuaError) -> Value
    ) async throws(LuaError) -> Value {
        do {
            return try await generation.pool.withState { state in
                try state.call(.module(PolicyShape.module, function), arguments, reading: check)
            }
        } catch let error as LuaError {
            throw error
        } catch {
            throw LuaError(kind: .runtime, message: "\(error)", script: PolicyShape.script)
        }
    }

    private func log(_ error: LuaError, function: String, generation: LuaScriptGeneration<ScriptProducts>, outcome: String) {
        logger.info(
            "script_error: policy function failed, \(outcome)",
            metadata: [
                "crawld.script": "\(PolicyShape.script)", "crawld.function": "\(function)",
                "crawld.error": "\(error.message)", "crawld.scripts.generation": "\(generation.number)",
            ])
    }
}

/// The last value each policy function returned that passed its checks.
private final class LastGood: Sendable {
    struct Values {
        var janitor: JanitorSettings?
        var politeness: Politeness?
    }

    let values = Mutex(Values())
}
