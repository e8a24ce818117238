import LuaBridge
import Testing

/// Values copied into Lua and back come out equal, kinds kept apart.
@Suite struct LuaValueTests {
    /// Pushes `value` as the argument of an identity function and pulls it back.
    private func roundTrip(_ value: LuaValue) throws -> LuaValue {
        let state = try LuaState()
        _ = try state.run(Array("function identity(...) return ... end".utf8), chunkName: "identity.lua")
        return try #require(state.call(.global("identity"), [value]).first)
    }

    @Test(arguments: [
        LuaValue.nil, .bool(true), .bool(false), .int(0), .int(Int64.max), .int(Int64.min),
        .int(9_007_199_254_740_993), .double(1.5), .double(-1e300), .double(.infinity),
        .string([]), "héllo", .string([0x61, 0, 0x62, 0]), .string([0xFF, 0xFE]),
    ])
    func scalarsSurviveARoundTrip(value: LuaValue) throws {
        #expect(try roundTrip(value) == value)
    }

    @Test func integersAndFloatsStayApart() throws {
        #expect(try roundTrip(.int(2)) == .int(2))
        #expect(try roundTrip(.double(2.0)) == .double(2.0))
        let state = try LuaState()
        let results = try state.run(Array("return 2^53 + 1, math.tointeger(2^53) + 1, 3 // 1, 3 / 1".utf8), chunkName: "n.lua")
        #expect(results == [.double(9_007_199_254_740_992), .int(9_007_199_254_740_993), .int(3), .double(3)])
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let back = try roundTrip(.double(-0.0))
        #expect(back.doubleValue?.sign == .minus)
        #expect(back == .double(0))
    }

    @Test func nulBytesCrossBothWays() throws {
        let state = try LuaState()
        let results = try state.run(Array(#"return "a\0b", #"a\0b""#.utf8), chunkName: "nul.lua")
        #expect(results == [.string([0x61, 0, 0x62]), .int(3)])
        _ = try state.run(Array("function len(s) return #s end".utf8), chunkName: "len.lua")
        #expect(try state.call(.global("len"), [.string([0, 0, 0, 0])]) == [.int(4)])
    }

    @Test func nestedTablesSurviveARoundTrip() throws {
        let value: LuaValue = [
            "name": "shop",
            "items": [["price": 1.5, "tags": ["a", "b"]], ["price": 2, "tags": []]],
            "counts": [2: "sparse", 7: true],
            .int(-3): "negative key",
        ]
        #expect(try roundTrip(value) == value)
    }

    @Test func sequenceAndMapPartsAreSplit() throws {
        let state = try LuaState()
        let results = try state.run(Array("return {10, 20, 30, x = 1, [5] = 50}".utf8), chunkName: "t.lua")
        let table = try #require(results.first?.tableValue)
        #expect(table.array == [10, 20, 30])
        #expect(table.map == [.int(5): 50, "x": 1])
    }

    /// Decision: an empty table is an empty sequence (JSON `[]`).
    @Test func emptyTableIsAnEmptyArray() throws {
        let state = try LuaState()
        let table = try #require(state.run(Array("return {}".utf8), chunkName: "e.lua").first?.tableValue)
        #expect(table.array.isEmpty && table.map.isEmpty)
        #expect(table.isArray)
        #expect(try roundTrip(.table(LuaTable())) == .table(LuaTable()))
    }

    @Test func functionsCannotCrossAndTheErrorNamesThePath() throws {
        let state = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try state.run(Array("return { items = { 1, 2, { price = print } } }".utf8), chunkName: "f.lua")
        }
        #expect(error.kind == .conversion)
        #expect(error.message == "cannot convert a function at f.lua.items[3].price")
    }

    @Test func cyclesAreRefusedWithThePath() throws {
        let state = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try state.run(Array("local t = { child = {} } t.child.back = t return t".utf8), chunkName: "c.lua")
        }
        #expect(error.kind == .conversion)
        #expect(error.message == "cannot convert a table that contains itself at c.lua.child.back")
    }

    @Test func sharedButAcyclicTablesAreCopiedTwice() throws {
        let state = try LuaState()
        let results = try state.run(Array("local s = {1} return { a = s, b = s }".utf8), chunkName: "s.lua")
        #expect(results == [["a": [1], "b": [1]]])
    }

    @Test func nilTableKeysAreRefusedOnPush() throws {
        let state = try LuaState()
        _ = try state.run(Array("function id(x) return x end".utf8), chunkName: "id.lua")
        let error = try #require(throws: LuaError.self) {
            try state.call(.global("id"), [.table(LuaTable(map: [.double(.nan): 1]))])
        }
        #expect(error.kind == .conversion)
        #expect(try state.call(.global("id"), [1]) == [1])
    }
}
