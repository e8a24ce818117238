import JSON
import LuaBridge
import Pool

/// What a generation's validation made of its scripts: one field per
/// contract, read by the typed views (`Policies`, and the extractor).
public struct ScriptProducts: Sendable {
    /// policies.lua's settings and validation probes.
    public internal(set) var policies: PolicySettings = .defaults
    /// extract.lua's site table (which handler each host gets).
    public internal(set) var extract = ExtractorSites()
    /// Whether extract.lua has `main(doc, page)`, which picks a page's main content.
    public internal(set) var extractHasMain = false

    init() {}
}

/// One script a set must hold, how to prepare a state for it, and how to
/// check it once loaded. A script set is refused as a whole when any
/// contract's script is missing or its validation throws.
///
/// To add a script (extract.lua): add a field to `ScriptProducts`, a static
/// contract here, and list it in `all`.
struct ScriptContract: Sendable {
    /// The file name, `policies.lua`.
    let script: String
    /// Registers what the script needs on every new state (Swift functions,
    /// userdata types), before any script loads.
    let prepare: @Sendable (LuaState) throws(LuaError) -> Void
    /// Checks a state with the whole set loaded, and records what it found.
    let validate: @Sendable (LuaState, inout ScriptProducts) throws(LuaError) -> Void

    /// Every contract a script set must satisfy.
    static let all: [ScriptContract] = [.policies, .extract]

    /// Prepares a new state for every contract.
    static func prepareAll(_ state: LuaState) throws(LuaError) {
        for contract in all { try contract.prepare(state) }
    }

    /// Validates a loaded set against every contract.
    static func validateAll(_ state: LuaState, _ scripts: LuaScriptSet) throws(LuaError) -> ScriptProducts {
        var products = ScriptProducts()
        for contract in all {
            guard scripts.script(named: contract.script) != nil else {
                throw LuaError(kind: .validation, message: "\(contract.script) is missing from the scripts directory", script: contract.script)
            }
            try contract.validate(state, &products)
        }
        return products
    }
}

extension ScriptContract {
    /// policies.lua: a `pool` table and the janitor, engine_for, politeness
    /// and retry functions, and the optional escalate, probed with typical arguments.
    static let policies = ScriptContract(script: PolicyShape.script, prepare: { _ in }) { state, products throws(LuaError) in
        products.policies = try validatePolicies(state)
    }

    /// The host statistics `politeness` is probed with besides an empty
    /// table: a host that just refused a request, so a controller's backoff
    /// path runs at load too.
    static let politenessProbe: JSONObject = [
        "latency_ms": 120.0, "in_flight": 2, "requests": 50, "rate": 40.0, "statuses": [200, 200, 429], "count_429": 1, "count_503": 0,
        "throttled": 1, "retry_after_ms": 1000.0, "refused_rate": 40.0, "limit_readings": 1, "since_refusal_ms": 0.0, "delay_ms": 25.0,
        "max_concurrency": 4,
    ]

    /// The memory levels `janitor` is probed at: each band of the defaults and both ends.
    static let janitorProbes: [Double] = [0, 50, 90, 100]

    private static func validatePolicies(_ state: LuaState) throws(LuaError) -> PolicySettings {
        let module = PolicyShape.module
        let type = state.typeName(at: .module(module))
        guard type == "table" else { throw PolicyShape.failure("the script must return a table (got \(type))") }
        for function in ["janitor", "engine_for", "politeness", "retry"] {
            let type = state.typeName(at: .module(module, function))
            guard type == "function" else { throw PolicyShape.failure("\(function) must be a function (got \(type))") }
        }
        let pool = try PolicyShape.pool(state.value(at: .module(module, "pool")))
        var janitors: [JanitorSettings] = []
        for percent in janitorProbes {
            janitors.append(
                try state.call(.module(module, "janitor"), [.double(percent)]) { results throws(LuaError) in
                    try PolicyShape.janitor(results, memoryPercent: percent)
                })
        }
        let url = "https://example.com/"
        let engine = try state.call(.module(module, "engine_for"), [.text(url), ["url": .text(url)]]) { results throws(LuaError) in
            try PolicyShape.engine(results, url: url)
        }
        var politeness: Politeness?
        for stats in [JSONObject(), politenessProbe] {
            let answer = try state.call(.module(module, "politeness"), ["example.com", LuaValue(json: .object(stats))]) { results throws(LuaError) in
                try PolicyShape.politeness(results, host: "example.com")
            }
            politeness = politeness ?? answer
        }
        var retryDelay: Duration?
        for (status, error) in [(LuaValue.int(503), LuaValue.nil), (.nil, "timeout")] {
            let delay = try state.call(.module(module, "retry"), [1, status, error]) { results throws(LuaError) in
                try PolicyShape.retry(results, attempt: 1)
            }
            if status == .int(503) { retryDelay = delay }
        }
        var settings = PolicySettings(
            promoteAfter: pool.promoteAfter, memoryLimitPercent: pool.memoryLimit, idleTTL: pool.idleTTL,
            retirement: pool.retirement, janitor: janitors[0], engine: engine, politeness: politeness ?? PolicySettings.defaults.politeness,
            retryDelay: retryDelay, escalates: try validateEscalate(state),
            proxies: try PolicyShape.proxies(state.value(at: .module(module, "proxies"))))
        settings.clusterJobs = try PolicyShape.clusterJobs(state.value(at: .module(module, "jobs")))
        settings.webhookPrivateHosts = try PolicyShape.webhookPrivateHosts(state.value(at: .module(module, "webhooks")))
        settings.identities = try PolicyShape.identities(state.value(at: .module(module, "identities")), proxies: settings.proxies)
        settings.choosesIdentity = try validateIdentityFor(state, identities: settings.identities)
        settings.decidesBlocks = try validateBlocked(state)
        return settings
    }

    /// The optional `identity_for(host, stats)`: absent, or a function that
    /// answers a host with every identity available with one of them or nil.
    private static func validateIdentityFor(_ state: LuaState, identities: [String: IdentitySettings]) throws(LuaError) -> Bool {
        guard try optionalFunction(state, "identity_for") else { return false }
        let stats: JSONObject = ["identities": .array(identities.keys.sorted().map { .string($0) }), "requests": 0]
        _ = try state.call(.module(PolicyShape.module, "identity_for"), ["example.com", LuaValue(json: .object(stats))]) { results throws(LuaError) in
            try PolicyShape.identityChoice(results, host: "example.com", identities: identities)
        }
        return true
    }

    /// The optional `blocked(page)`: absent, or a function that answers a
    /// 403 page and a 200 page with true, false or nil.
    private static func validateBlocked(_ state: LuaState) throws(LuaError) -> Bool {
        guard try optionalFunction(state, "blocked") else { return false }
        for status in [403, 200] {
            let page: JSONObject = ["url": "https://example.com/", "status": .int(Int64(status)), "title": "Example", "identity": "probe"]
            _ = try state.call(.module(PolicyShape.module, "blocked"), [LuaValue(json: .object(page))]) { results throws(LuaError) in
                try PolicyShape.blocked(results, url: "https://example.com/")
            }
        }
        return true
    }

    /// Whether policies.lua defines `function`; anything but a function or nil is refused.
    private static func optionalFunction(_ state: LuaState, _ function: String) throws(LuaError) -> Bool {
        let type = state.typeName(at: .module(PolicyShape.module, function))
        guard type != "nil" else { return false }
        guard type == "function" else { throw PolicyShape.failure("\(function) must be a function or absent (got \(type))") }
        return true
    }

    /// The optional `escalate(url, page)`: absent, or a function that answers
    /// both an empty shell and a full page with true, false or nil.
    private static func validateEscalate(_ state: LuaState) throws(LuaError) -> Bool {
        let type = state.typeName(at: .module(PolicyShape.module, "escalate"))
        guard type != "nil" else { return false }
        guard type == "function" else { throw PolicyShape.failure("escalate must be a function or absent (got \(type))") }
        let url = "https://example.com/"
        for probe in [EscalationFacts.emptyShellProbe, EscalationFacts.fullPageProbe] {
            _ = try state.call(.module(PolicyShape.module, "escalate"), [.text(url), LuaValue(json: .object(probe.json))]) { results throws(LuaError) in
                try PolicyShape.escalate(results, url: url)
            }
        }
        return true
    }
}
