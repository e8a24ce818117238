// libFuzzer target: Lua value marshalling (Sources/Scripting/LuaValue+JSON.swift, compiled into
// this target, and LuaBridge). Any JSON document goes into a real Lua state and back: the copy
// either fails with a `LuaError` or, for documents that Lua can hold as they are (no `null`, no
// empty object, which reads back as `[]`), gives the same document, its objects' members in key
// order.
import JSON
import LuaBridge

nonisolated(unsafe) private let state = try! LuaState()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLuaValueJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let json = try? JSONValue.parse(UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    do {
        try state.setGlobal("v", LuaValue(json: json))
        let back = try JSONValue(lua: state.value(at: .global("v")), path: "v")
        if isFaithful(json), back != sortingKeys(json) { fatalError("\(json.encodedString()) comes back as \(back.encodedString())") }
    } catch {
        // A value Lua cannot hold, or one past the copy's limits: a clean error is the contract.
    }
    state.collectGarbage()
    return 0
}

/// `json` with the members of every object in key order, as the copy from Lua gives them.
private func sortingKeys(_ json: JSONValue) -> JSONValue {
    switch json {
    case .array(let items): return .array(items.map(sortingKeys))
    case .object(let members):
        var object = JSONObject(minimumCapacity: members.count)
        for (key, member) in members.sorted(by: { $0.key < $1.key }) { object[key] = sortingKeys(member) }
        return .object(object)
    default: return json
    }
}

/// Whether Lua holds `json` without losing anything.
private func isFaithful(_ json: JSONValue) -> Bool {
    switch json {
    case .null: false
    case .array(let items): items.allSatisfy(isFaithful)
    case .object(let members): !members.isEmpty && members.values.allSatisfy(isFaithful)
    default: true
    }
}
