// LuaBench: the Lua bridge's costs, each a median over many samples.
//   swift run -c release LuaBench
// Targets (issue 3): janitor(mem) read from Swift ≤ 2 µs; a no-op Lua call
// through the bridge ≤ 0.5 µs and ≤ 2× the same call made straight through
// the C API; reload of the shipped scripts ≤ 20 ms.
import CLua
import LuaBridge
import Logging
import Pool
import Scripting

let scriptsDirectory: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/") + "/scripts"
}()

/// Median time of one operation: `samples` samples of `batch` operations each.
func median(samples: Int = 101, batch: Int, _ body: () throws -> Void) rethrows -> Duration {
    let clock = ContinuousClock()
    var times: [Duration] = []
    for _ in 0..<batch { try body() } // warm up
    for _ in 0..<samples {
        let start = clock.now
        for _ in 0..<batch { try body() }
        times.append((clock.now - start) / batch)
    }
    return times.sorted()[samples / 2]
}

func asyncMedian(samples: Int = 101, batch: Int, _ body: () async throws -> Void) async rethrows -> Duration {
    let clock = ContinuousClock()
    var times: [Duration] = []
    for _ in 0..<batch { try await body() }
    for _ in 0..<samples {
        let start = clock.now
        for _ in 0..<batch { try await body() }
        times.append((clock.now - start) / batch)
    }
    return times.sorted()[samples / 2]
}

func show(_ name: String, _ duration: Duration, target: String) {
    let ns = Double(duration.components.attoseconds) / 1e9 + Double(duration.components.seconds) * 1e9
    let text = ns >= 1e6 ? "\((ns / 1e4).rounded() / 100) ms" : ns >= 1e3 ? "\((ns / 10).rounded() / 100) µs" : "\(Int(ns.rounded())) ns"
    print("\(name.padding(46)) \(text.padding(12)) \(target)")
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

let logger = Logger(label: "LuaBench", factory: { _ in SwiftLogNoOpLogHandler() })
let registry = ScriptRegistry(directory: scriptsDirectory, logger: logger)
try await registry.reload()
let scripts = try LuaScriptSet.read(directory: scriptsDirectory)
let state = try scripts.makeState(limits: LuaLimits()) { _ in }
let plain = try LuaState()
_ = try plain.run(Array("function noop() end".utf8), chunkName: "noop.lua")

print("LuaBench: medians (\(scriptsDirectory))")

// MARK: - janitor(mem) from Swift, result read into JanitorSettings

let janitorPath = LuaPath.module("policies", "janitor")
var percent = 0.0
let janitor = try median(batch: 1000) {
    percent = percent >= 100 ? 0 : percent + 1
    let settings = try state.call(janitorPath, [.double(percent)]) { results throws(LuaError) in
        (
            try results.field(0, "interval_s").doubleValue, try results.field(0, "cold_ttl_s").doubleValue,
            try results.field(0, "hot_ttl_s").doubleValue
        )
    }
    guard let interval = settings.0, interval > 0, settings.1 != nil, settings.2 != nil else { fatalError("janitor returned \(settings)") }
}
show("janitor(mem) on a state, result read", janitor, target: "target ≤ 2 µs")

/// Nonisolated, so the calls inside do not hop off and back onto the main actor.
func benchPolicies(_ policies: Policies) async -> Duration {
    var percent = 0.0
    return await asyncMedian(batch: 1000) {
        percent = percent >= 100 ? 0 : percent + 1
        _ = await policies.janitor(memoryPercent: percent)
    }
}
let janitorPolicy = await benchPolicies(registry.policies)
show("Policies.janitor (pool checkout + checks)", janitorPolicy, target: "(for reference)")

// MARK: - No-op round trip: bridge vs the C API

// Samples alternate between the two, so that both see the same load on a
// shared machine; the ratio is the median of per-sample ratios.
let noop = LuaPath.global("noop")
let L = luaL_newstate()!
luaL_openlibs(L)
_ = luaL_loadstring(L, "function noop() end")
_ = lua_pcallk(L, 0, 0, 0, 0, nil)
let clock = ContinuousClock()
var bridgeTimes: [Duration] = [], directTimes: [Duration] = [], ratios: [Double] = []
for _ in 0..<201 {
    let start = clock.now
    for _ in 0..<2000 { _ = try plain.call(noop) }
    let middle = clock.now
    for _ in 0..<2000 {
        _ = lua_getglobal(L, "noop")
        guard lua_pcallk(L, 0, LUA_MULTRET, 0, 0, nil) == LUA_OK else { fatalError("noop failed") }
        lua_settop(L, 0)
    }
    let end = clock.now
    bridgeTimes.append((middle - start) / 2000)
    directTimes.append((end - middle) / 2000)
    ratios.append(Double((middle - start).components.attoseconds) / Double((end - middle).components.attoseconds))
}
lua_close(L)
show("no-op call through LuaBridge", bridgeTimes.sorted()[100], target: "target ≤ 0.5 µs")
show("no-op call straight through the C API", directTimes.sorted()[100], target: "")
let ratio = ratios.sorted()[100]
print("\("bridge / C API (median of paired samples)".padding(46)) \("\((ratio * 100).rounded() / 100)×".padding(12)) target ≤ 2×")

// MARK: - Reload of the shipped scripts

let reload = try await asyncMedian(samples: 51, batch: 1) { try await registry.reload() }
show("reload of the shipped scripts", reload, target: "target ≤ 20 ms")

// MARK: - Memory per state

state.collectGarbage()
print("\("memory per state, shipped scripts loaded".padding(46)) \(state.memoryUsed / 1024) KiB")
