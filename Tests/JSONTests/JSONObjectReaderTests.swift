import JSON
import Testing

@Suite struct JSONObjectReaderTests {
    let reader = JSONObjectReader([
        "name": "a", "count": 3, "whole": 4.0, "half": 1.5, "flag": true, "nothing": nil,
        "list": ["x", "y"], "mixed": ["x", 2], "headers": ["a": "1", "b": 2],
    ])

    @Test func absentAndNullReadAsNil() throws {
        #expect(try reader.string("missing") == nil)
        #expect(try reader.string("nothing") == nil)
        #expect(reader["nothing"] == nil)
        #expect(try reader.int("count", in: 0...10) == 3)
        #expect(try reader.int("whole") == 4)
        #expect(try reader.bool("flag") == true)
        #expect(try reader.strings("list") == ["x", "y"])
    }

    @Test(arguments: [
        ("string", "'count' must be a string, got number"),
        ("int", "'name' must be an integer, got string"),
        ("half", "'half' must be an integer, got 1.5"),
        ("range", "'count' must be between 5 and 9, got 3"),
        ("bool", "'name' must be a boolean, got string"),
        ("object", "'list' must be an object, got array"),
        ("strings", "'mixed[1]' must be a string, got number"),
        ("max", "'list' must have at most 1 entries, got 2"),
        ("map", "'headers' must be an object of strings, but 'b' is number"),
        ("required", "missing 'missing'"),
    ])
    func everyMistakeNamesTheMember(read: String, message: String) {
        let error = #expect(throws: JSONFieldError.self) {
            switch read {
            case "string": _ = try reader.string("count")
            case "int": _ = try reader.int("name")
            case "half": _ = try reader.int("half")
            case "range": _ = try reader.int("count", in: 5...9)
            case "bool": _ = try reader.bool("name")
            case "object": _ = try reader.object("list")
            case "strings": _ = try reader.strings("mixed")
            case "max": _ = try reader.strings("list", max: 1)
            case "map": _ = try reader.stringMap("headers")
            default: _ = try reader.requiredString("missing")
            }
        }
        #expect(error?.message == message)
    }
}
