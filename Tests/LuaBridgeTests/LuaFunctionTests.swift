import LuaBridge
import Testing

/// Swift functions and userdata types called from Lua.
@Suite struct LuaFunctionTests {
    struct Refusal: Error, CustomStringConvertible {
        var description: String { "refused by Swift" }
    }

    final class Document {
        let title: String
        init(title: String) { self.title = title }
    }

    final class Node {
        let document: Document
        let index: Int
        init(document: Document, index: Int) {
            self.document = document
            self.index = index
        }
    }

    /// Counts deinits so a test can see `__gc` release an object.
    final class Tracked {
        let onDeinit: () -> Void
        init(onDeinit: @escaping () -> Void) { self.onDeinit = onDeinit }
        deinit { onDeinit() }
    }

    private func documentState() throws -> LuaState {
        let state = try LuaState()
        state.register(
            type: Document.self, name: "Document",
            methods: [
                "title": { doc, call in try call.push(.text(doc.title)) },
                "node": { doc, call in try call.push(Node(document: doc, index: Int(try call.int(0)))) },
            ])
        state.register(
            type: Node.self, name: "Node",
            methods: [
                "index": { node, call in try call.push(.int(Int64(node.index))) }
            ])
        return state
    }

    @Test func swiftFunctionsReceiveArgumentsAndReturnResults() throws {
        let state = try LuaState()
        state.register(function: "add") { call in try call.push(.int(try call.int(0) + call.int(1))) }
        state.register(function: "pair", in: "util") { call in
            try call.push(call.value(0))
            try call.push(.int(Int64(call.count)))
        }
        let results = try state.run(Array("return add(2, 40), util.pair('a', nil, 3)".utf8), chunkName: "f.lua")
        #expect(results == [42, "a", 3])
    }

    @Test func swiftErrorsBecomeLuaErrorsAtTheCallingLine() throws {
        let state = try LuaState()
        state.register(function: "refuse") { _ in throw Refusal() }
        _ = try state.run(Array("function f()\n  return refuse()\nend\nfunction g() return pcall(refuse) end".utf8), chunkName: "s.lua")
        let error = try #require(throws: LuaError.self) { try state.call(.global("f")) }
        #expect(error.message == "s.lua:2: refused by Swift")
        #expect(try state.call(.global("g")).first == false)
    }

    @Test func badArgumentsAreReported() throws {
        let state = try LuaState()
        state.register(function: "twice") { call in try call.push(.int(try call.int(0) * 2)) }
        let error = try #require(throws: LuaError.self) { try state.run(Array("return twice('x')".utf8), chunkName: "a.lua") }
        #expect(error.message == "a.lua:1: bad argument #1 (an integer expected, got string)")
    }

    @Test func userdataMethodsWorkDuringTheCall() throws {
        let state = try documentState()
        _ = try state.run(Array("function read(doc) local n = doc:node(7) return doc:title(), n:index() end".utf8), chunkName: "x.lua")
        let results = try state.call(.global("read"), arguments: [.object(Document(title: "Home"))])
        #expect(results == ["Home", 7])
    }

    @Test func userdataKeptPastItsCallRaisesInsteadOfCrashing() throws {
        let state = try documentState()
        let source = """
            local kept
            function keep(doc) kept = doc:node(1) return kept:index() end
            function later() return kept:index() end
            function later_protected() return pcall(function() return kept:index() end) end
            """
        _ = try state.run(Array(source.utf8), chunkName: "x.lua")
        #expect(try state.call(.global("keep"), arguments: [.object(Document(title: "a"))]) == [1])
        let error = try #require(throws: LuaError.self) { try state.call(.global("later")) }
        #expect(error.message == "x.lua:3: this Node belonged to an earlier call and can no longer be used")
        let again = try #require(throws: LuaError.self) {
            try state.call(.global("keep"), arguments: [.object(Document(title: "b"))]) + state.call(.global("later"))
        }
        #expect(again.kind == .runtime)
        #expect(try state.call(.global("later_protected")).first == false)
    }

    @Test func wrongUserdataTypeIsRefused() throws {
        let state = try documentState()
        _ = try state.run(Array("function f(doc) return doc.index(doc) end function g(doc) return doc:node({}) end".utf8), chunkName: "w.lua")
        let error = try #require(throws: LuaError.self) { try state.call(.global("f"), arguments: [.object(Document(title: "a"))]) }
        #expect(error.kind == .runtime)
        let bad = try #require(throws: LuaError.self) { try state.call(.global("g"), arguments: [.object(Document(title: "a"))]) }
        #expect(bad.message == "w.lua:1: bad argument #1 (an integer expected, got table)")
    }

    @Test func unregisteredObjectsCannotBePassed() throws {
        let state = try LuaState()
        _ = try state.run(Array("function f() end".utf8), chunkName: "u.lua")
        let error = try #require(throws: LuaError.self) { try state.call(.global("f"), arguments: [.object(Document(title: "a"))]) }
        #expect(error.kind == .conversion)
    }

    @Test func garbageCollectionReleasesTheObject() throws {
        let state = try LuaState()
        state.register(type: Tracked.self, name: "Tracked", methods: [:])
        var released = 0
        try state.setGlobal("tracked", object: Tracked { released += 1 })
        state.collectGarbage()
        #expect(released == 0)
        try state.setGlobal("tracked", .nil)
        state.collectGarbage()
        #expect(released == 1)
    }

    @Test func userdataMetatablesAreLocked() throws {
        let state = try documentState()
        _ = try state.run(Array("function meta(doc) return getmetatable(doc) end".utf8), chunkName: "m.lua")
        #expect(try state.call(.global("meta"), arguments: [.object(Document(title: "a"))]) == ["locked"])
    }
}

/// Helpers the extractor needs: lists of objects, and keys of function tables.
@Suite struct LuaObjectListTests {
    final class Item {
        let n: Int
        init(n: Int) { self.n = n }
    }

    @Test func objectsCanBePushedAsAList() throws {
        let state = try LuaState()
        state.register(type: Item.self, name: "Item", methods: ["n": { item, call in try call.push(.int(Int64(item.n))) }])
        state.register(function: "items") { call in try call.push(objects: [Item(n: 1), Item(n: 2), Item(n: 3)]) }
        _ = try state.run(Array("function sum() local s = 0 for _, it in ipairs(items()) do s = s + it:n() end return s end".utf8), chunkName: "l.lua")
        #expect(try state.call(.global("sum")) == [6])
    }

    @Test func keysOfATableOfFunctions() throws {
        let state = try LuaState()
        try state.loadModule(Array("return { sites = { ['example.com'] = function() end, ['*.shop'] = function() end } }".utf8), chunkName: "extract.lua", as: "extract")
        let keys = try state.keys(at: .module("extract", "sites")).compactMap(\.stringValue).sorted()
        #expect(keys == ["*.shop", "example.com"])
        #expect(try state.keys(at: .module("extract", "missing")).isEmpty)
        #expect(state.typeName(at: .module("extract", "sites", "example.com")) == "function")
    }
}
