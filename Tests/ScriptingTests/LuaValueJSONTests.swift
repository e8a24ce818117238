import JSON
import LuaBridge
import Scripting
import Testing

/// What scripts return converts to JSON, with the path of anything that cannot.
@Suite struct LuaValueJSONTests {
    private func evaluate(_ expression: String) throws -> LuaValue {
        let state = try LuaState()
        return try state.run(Array("return \(expression)".utf8), chunkName: "data.lua").first ?? .nil
    }

    @Test func nestedValuesRoundTrip() throws {
        let json: JSONValue = ["items": [["n": 2, "ok": true, "price": 1.5], ["price": 3, "tags": ["a"]]], "none": [], "title": "Shop"]
        let state = try LuaState()
        _ = try state.run(Array("function id(x) return x end".utf8), chunkName: "id.lua")
        let back = try #require(state.call(.global("id"), [LuaValue(json: json)]).first)
        #expect(try JSONValue(lua: back, path: "data") == json)
    }

    @Test func objectKeysAreSortedAndEmptyTablesAreArrays() throws {
        let value = try evaluate("{ b = 1, a = {}, c = { 'x', 'y' } }")
        let json = try JSONValue(lua: value, path: "data")
        #expect(json == ["a": [], "b": 1, "c": ["x", "y"]])
        #expect(json.objectValue.map { Array($0.keys) } == ["a", "b", "c"])
    }

    @Test(arguments: [
        ("{ items = { 1, 2, { price = 0/0 } } }", "data.items[3].price is not a finite number, which JSON cannot hold"),
        ("{ items = { 1, x = 2 } }", "data.items mixes array items and keys, which JSON cannot hold"),
        ("{ [true] = 1 }", "data has a boolean key, which JSON cannot hold"),
        (#"{ name = "\255" }"#, "data.name is not valid UTF-8, which JSON cannot hold"),
    ])
    func unconvertibleValuesNameTheirPath(expression: String, message: String) throws {
        let value = try evaluate(expression)
        let error = try #require(throws: LuaError.self) { try JSONValue(lua: value, path: "data") }
        #expect(error.kind == .conversion)
        #expect(error.message == message)
    }

    @Test func nullMembersDisappearInLua() {
        #expect(LuaValue(json: ["a": nil, "b": 1]) == ["b": 1])
        #expect(LuaValue(json: nil) == .nil)
    }
}
