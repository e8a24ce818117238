import JSON
import LuaBridge
import Pool

/// Checks what policies.lua holds and returns against its contract, at load
/// and at run time alike, and turns it into typed values.
///
/// Every refusal is a `LuaError` of kind `.validation` that names the script,
/// the call and the field: `policies.lua: janitor(90).interval_s must be a
/// number > 0 (got 0)`.
enum PolicyShape {
    static let script = "policies.lua"
    static let module = "policies"
    /// The longest interval or TTL a policy may ask for: 30 days.
    static let maxSeconds = 30.0 * 24 * 3600

    static func failure(_ message: String) -> LuaError {
        LuaError(kind: .validation, message: "\(script): \(message)", script: script)
    }

    // MARK: - Functions' results

    static func janitor(_ results: LuaResults, memoryPercent: Double) throws(LuaError) -> JanitorSettings {
        let call = { "janitor(\(format(memoryPercent)))" }
        try requireTable(results, call())
        return JanitorSettings(
            interval: try seconds(results.field(0, "interval_s"), "\(call()).interval_s", allowZero: false),
            coldTTL: try seconds(results.field(0, "cold_ttl_s"), "\(call()).cold_ttl_s", allowZero: true),
            hotTTL: try seconds(results.field(0, "hot_ttl_s"), "\(call()).hot_ttl_s", allowZero: true))
    }

    static func engine(_ results: LuaResults, url: String) throws(LuaError) -> EngineChoice {
        let call = { "engine_for(\(url))" }
        let first = try results.value(0)
        guard let name = first.stringValue, EngineKind(rawValue: name) != nil else {
            throw failure("\(call()) must return \(EngineKind.choices) first (got \(describe(first)))")
        }
        let config = try results.value(1)
        if config == .nil { return EngineChoice(engine: name) }
        guard case .table = config else {
            throw failure("\(call()) must return a config table second (got \(describe(config)))")
        }
        guard case .object(let object) = try JSONValue(lua: config, path: "\(call()) config") else {
            return EngineChoice(engine: name)
        }
        return EngineChoice(engine: name, config: object)
    }

    static func politeness(_ results: LuaResults, host: String) throws(LuaError) -> Politeness {
        let call = { "politeness(\(host))" }
        try requireTable(results, call())
        let delay = try number(results.field(0, "delay_ms"), "\(call()).delay_ms", range: 0...(maxSeconds * 1000), expected: "a number ≥ 0")
        let concurrency = try integer(results.field(0, "max_concurrency"), "\(call()).max_concurrency", range: 1...10_000)
        // Microseconds: an adaptive policy steers the delay by a few percent an answer, which whole milliseconds would round away.
        return Politeness(delay: .microseconds(Int64((delay * 1000).rounded())), maxConcurrency: concurrency)
    }

    static func retry(_ results: LuaResults, attempt: Int) throws(LuaError) -> Duration? {
        let value = try results.value(0)
        if value == .nil || value == .bool(false) { return nil }
        let delay = try number(value, "retry(\(attempt), ...)", range: 0...(maxSeconds * 1000), expected: "nil or a delay in ms ≥ 0")
        return .milliseconds(Int64(delay.rounded()))
    }

    static func escalate(_ results: LuaResults, url: String) throws(LuaError) -> Bool {
        let value = try results.value(0)
        guard case .bool(let escalate) = value else {
            guard value == .nil else {
                throw failure("escalate(\(url), page) must return true, false or nil (got \(describe(value)))")
            }
            return false
        }
        return escalate
    }

    private static func requireTable(_ results: LuaResults, _ call: @autoclosure () -> String) throws(LuaError) {
        guard results.isTable(0) else { throw failure("\(call()) must be a table (got \(describe(try results.value(0))))") }
    }

    // MARK: - The pool table

    static func pool(_ value: LuaValue) throws(LuaError) -> (promoteAfter: Int, memoryLimit: Double, idleTTL: Duration, retirement: [String: RetirementSettings]) {
        let pool = try table(value, "pool")
        let promote = try integer(pool["promote_after"], "pool.promote_after", range: 1...1_000_000)
        let limit = try number(pool["memory_limit_percent"], "pool.memory_limit_percent", range: 0...100, expected: "a number in (0, 100]")
        guard limit > 0 else { throw failure("pool.memory_limit_percent must be a number in (0, 100] (got 0)") }
        let idle = try seconds(pool["idle_ttl_s"], "pool.idle_ttl_s", allowZero: false)
        var retirement: [String: RetirementSettings] = [:]
        if let retire = pool["retire"], retire != .nil {
            let kinds = try table(retire, "pool.retire")
            for (key, rule) in kinds.map {
                guard let kind = key.stringValue, EngineKind(rawValue: kind) != nil else {
                    throw failure("pool.retire has an unknown engine kind \(describe(key))")
                }
                let rule = try table(rule, "pool.retire.\(kind)")
                var settings = RetirementSettings()
                if let uses = rule["after_uses"], uses != .nil {
                    settings.afterUses = try integer(uses, "pool.retire.\(kind).after_uses", range: 1...Int(Int32.max))
                }
                if let age = rule["max_age_s"], age != .nil {
                    settings.maxAge = try seconds(age, "pool.retire.\(kind).max_age_s", allowZero: false)
                }
                retirement[kind] = settings
            }
        }
        return (promote, limit, idle, retirement)
    }

    // MARK: - The proxies table

    /// `proxies`: absent, or a table of names (letters, digits, `-`, `_`,
    /// `.`; at most 64) to strings that start with `http://` or `socks5://`.
    /// The engine reads the rest of the URL and refuses a malformed one when
    /// a request names it.
    static func proxies(_ value: LuaValue) throws(LuaError) -> [String: String] {
        guard value != .nil else { return [:] }
        let table = try table(value, "proxies")
        guard table.array.isEmpty else { throw failure("proxies must map names to URLs (got a list)") }
        var proxies: [String: String] = [:]
        for (key, url) in table.map {
            guard let name = key.stringValue, (1...64).contains(name.utf8.count), name.utf8.allSatisfy(isProxyNameByte) else {
                throw failure("proxies has a name that is not 1-64 letters, digits, '-', '_' or '.': \(describe(key))")
            }
            guard let text = url.stringValue, ["http://", "socks5://"].contains(where: { text.lowercased().hasPrefix($0) }) else {
                throw failure("proxies.\(name) must be a string http://host:port or socks5://host:port (got \(describe(url)))")
            }
            proxies[name] = text
        }
        return proxies
    }

    // MARK: - The jobs table

    /// `jobs`: absent, or a table whose optional `cluster` (a boolean) is what
    /// `job.submit` does when the client leaves `cluster` out.
    static func clusterJobs(_ value: LuaValue) throws(LuaError) -> Bool {
        guard value != .nil else { return false }
        let cluster = try table(value, "jobs").map["cluster"] ?? .nil
        switch cluster {
        case .nil: return false
        case .bool(let b): return b
        default: throw failure("jobs.cluster must be true or false (got \(describe(cluster)))")
        }
    }

    /// `webhooks`: absent, or a table whose optional `private_hosts` lists host names (or IP literals)
    /// a job's webhook may reach under `--deny-private`; compared in lower case.
    static func webhookPrivateHosts(_ value: LuaValue) throws(LuaError) -> Set<String> {
        guard value != .nil else { return [] }
        let hosts = try table(value, "webhooks").map["private_hosts"] ?? .nil
        guard hosts != .nil else { return [] }
        let list = try table(hosts, "webhooks.private_hosts")
        guard list.map.isEmpty, list.array.count <= 1000 else { throw failure("webhooks.private_hosts must be a list of at most 1000 host names") }
        var names: Set<String> = []
        for entry in list.array {
            guard let name = entry.stringValue, (1...253).contains(name.utf8.count) else {
                throw failure("webhooks.private_hosts must hold host names (got \(describe(entry)))")
            }
            names.insert(name.lowercased())
        }
        return names
    }

    // MARK: - The identities table

    /// `identities`: absent, or a table of names (as proxy names) to tables
    /// with any of `proxy` (a name declared in `proxies`), `user_agent` (a
    /// string), `headers` (strings to strings) and `cookie_jar` (a name).
    static func identities(_ value: LuaValue, proxies: [String: String]) throws(LuaError) -> [String: IdentitySettings] {
        guard value != .nil else { return [:] }
        let table = try table(value, "identities")
        guard table.array.isEmpty else { throw failure("identities must map names to tables (got a list)") }
        var identities: [String: IdentitySettings] = [:]
        for (key, entry) in table.map {
            guard let name = key.stringValue, (1...64).contains(name.utf8.count), name.utf8.allSatisfy(isProxyNameByte) else {
                throw failure("identities has a name that is not 1-64 letters, digits, '-', '_' or '.': \(describe(key))")
            }
            let fields = try Self.table(entry, "identities.\(name)")
            for field in fields.map.keys where !["proxy", "user_agent", "headers", "cookie_jar"].contains(field.stringValue ?? "") {
                throw failure("identities.\(name).\(field.stringValue ?? describe(field)) is not a field of an identity (proxy, user_agent, headers, cookie_jar)")
            }
            // In a fixed order, whatever Lua's table order: equal identities give equal configs.
            var config = JSONObject()
            if let proxy = fields["proxy"] {
                guard let proxy = proxy.stringValue, proxies[proxy] != nil else {
                    throw failure("identities.\(name).proxy must name a proxy declared in proxies (got \(describe(proxy)))")
                }
                config["proxy"] = .string(proxy)
            }
            for field in ["user_agent", "cookie_jar"] {
                guard let value = fields[field] else { continue }
                guard let text = value.stringValue else { throw failure("identities.\(name).\(field) must be a string (got \(describe(value)))") }
                if field == "user_agent" { config["user_agent"] = .string(text) }
            }
            if let headers = fields["headers"] {
                var object = JSONObject()
                for (header, text) in try Self.table(headers, "identities.\(name).headers").map {
                    guard let header = header.stringValue, let text = text.stringValue else {
                        throw failure("identities.\(name).headers must map header names to strings")
                    }
                    object[header] = .string(text)
                }
                object.sort { $0.key < $1.key }
                config["headers"] = .object(object)
            }
            identities[name] = IdentitySettings(name: name, config: config, cookieJar: fields["cookie_jar"]?.stringValue ?? name)
        }
        return identities
    }

    static func identityChoice(_ results: LuaResults, host: String, identities: [String: IdentitySettings]) throws(LuaError) -> String? {
        let value = try results.value(0)
        guard value != .nil else { return nil }
        guard let name = value.stringValue, identities[name] != nil else {
            throw failure("identity_for(\(host), stats) must return the name of a declared identity or nil (got \(describe(value)))")
        }
        return name
    }

    static func blocked(_ results: LuaResults, url: String) throws(LuaError) -> Bool {
        let value = try results.value(0)
        guard case .bool(let blocked) = value else {
            guard value == .nil else { throw failure("blocked(page) for \(url) must return true, false or nil (got \(describe(value)))") }
            return false
        }
        return blocked
    }

    private static func isProxyNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "-_.".utf8.contains(byte)
        }
    }

    // MARK: - Field checks

    private static func table(_ value: LuaValue?, _ what: @autoclosure () -> String) throws(LuaError) -> LuaTable {
        guard case .table(let table)? = value else { throw failure("\(what()) must be a table (got \(describe(value)))") }
        return table
    }

    private static func number(_ value: LuaValue?, _ what: @autoclosure () -> String, range: ClosedRange<Double>, expected: String) throws(LuaError) -> Double {
        guard let number = value?.doubleValue, number.isFinite, range.contains(number) else {
            throw failure("\(what()) must be \(expected) (got \(describe(value)))")
        }
        return number
    }

    private static func integer(_ value: LuaValue?, _ what: @autoclosure () -> String, range: ClosedRange<Int>) throws(LuaError) -> Int {
        guard let number = value?.intValue, let int = Int(exactly: number), range.contains(int) else {
            throw failure("\(what()) must be an integer ≥ \(range.lowerBound) (got \(describe(value)))")
        }
        return int
    }

    private static func seconds(_ value: LuaValue?, _ what: @autoclosure () -> String, allowZero: Bool) throws(LuaError) -> Duration {
        let expected = allowZero ? "a number of seconds ≥ 0" : "a number of seconds > 0"
        let seconds = try number(value, what(), range: 0...maxSeconds, expected: expected)
        guard allowZero || seconds > 0 else { throw failure("\(what()) must be \(expected) (got 0)") }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    static func describe(_ value: LuaValue?) -> String {
        switch value {
        case nil, .nil?: return "nil"
        case .bool(let b)?: return "\(b)"
        case .int(let i)?: return "\(i)"
        case .double(let d)?: return format(d)
        case .string?: return "\"\(value?.stringValue ?? "?")\""
        case .table?: return "a table"
        }
    }

    static func format(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }
}
