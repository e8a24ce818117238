/// Typed reads of the members of a JSON object, each failure naming the member.
///
/// The one reader of request parameters (Protocol's `Parameters`), `job.submit`
/// fields (Jobs' `JobSpec`) and engine configs (Engines'
/// `EngineConfigurationReader`), so a client meets one wording everywhere:
/// "'limit' must be an integer, got string". A member that is absent or `null`
/// reads as nil (Lua tables cannot hold nil, JSON clients may send null); each
/// caller wraps `JSONFieldError` in its own error type and code.
public struct JSONObjectReader: Sendable {
    public let members: JSONObject

    public init(_ members: JSONObject) {
        self.members = members
    }

    /// The member's value, or nil when absent or `null`.
    public subscript(key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(JSONFieldError) -> String? {
        guard let value = self[key] else { return nil }
        guard let string = value.stringValue else { throw .mistyped(key, "a string", value) }
        return string
    }

    public func requiredString(_ key: String) throws(JSONFieldError) -> String {
        guard let string = try string(key) else { throw JSONFieldError(key: key, message: "missing '\(key)'") }
        return string
    }

    /// An integer; a double with no fractional part counts as one.
    public func int(_ key: String) throws(JSONFieldError) -> Int? {
        guard let value = self[key] else { return nil }
        guard let number = value.intValue, let int = Int(exactly: number) else {
            let got = value.doubleValue.map { "\($0)" } ?? value.typeName
            throw JSONFieldError(key: key, message: "'\(key)' must be an integer, got \(got)")
        }
        return int
    }

    public func int(_ key: String, in range: ClosedRange<Int>) throws(JSONFieldError) -> Int? {
        guard let int = try int(key) else { return nil }
        guard range.contains(int) else {
            throw JSONFieldError(key: key, message: "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(int)")
        }
        return int
    }

    /// A boolean: not 0/1, not "true".
    public func bool(_ key: String) throws(JSONFieldError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let bool = value.boolValue else { throw .mistyped(key, "a boolean", value) }
        return bool
    }

    public func object(_ key: String) throws(JSONFieldError) -> JSONObject? {
        guard let value = self[key] else { return nil }
        guard let object = value.objectValue else { throw .mistyped(key, "an object", value) }
        return object
    }

    public func array(_ key: String) throws(JSONFieldError) -> [JSONValue]? {
        guard let value = self[key] else { return nil }
        guard let array = value.arrayValue else { throw .mistyped(key, "an array", value) }
        return array
    }

    /// An array of at most `max` strings; an element of another type is named by its index (`urls[2]`).
    public func strings(_ key: String, max: Int = .max) throws(JSONFieldError) -> [String]? {
        guard let value = self[key] else { return nil }
        guard let array = value.arrayValue else { throw .mistyped(key, "an array of strings", value) }
        guard array.count <= max else { throw JSONFieldError(key: key, message: "'\(key)' must have at most \(max) entries, got \(array.count)") }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard let string = element.stringValue else { throw .mistyped("\(key)[\(index)]", "a string", element) }
            strings.append(string)
        }
        return strings
    }

    /// An object whose values are all strings (HTTP headers).
    public func stringMap(_ key: String) throws(JSONFieldError) -> [String: String]? {
        guard let value = self[key] else { return nil }
        guard let object = value.objectValue else { throw .mistyped(key, "an object of strings", value) }
        var map: [String: String] = [:]
        for (name, member) in object {
            guard let string = member.stringValue else {
                throw JSONFieldError(key: key, message: "'\(key)' must be an object of strings, but '\(name)' is \(member.typeName)")
            }
            map[name] = string
        }
        return map
    }
}

/// A member of a JSON object that is missing, of the wrong type or out of range.
public struct JSONFieldError: Error, Sendable, Equatable {
    /// The member at fault, with an index for an element of an array (`urls[2]`).
    public let key: String
    /// A sentence for the client that names the member: "'limit' must be an integer, got string".
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    static func mistyped(_ key: String, _ expected: String, _ value: JSONValue) -> JSONFieldError {
        JSONFieldError(key: key, message: "'\(key)' must be \(expected), got \(value.typeName)")
    }
}
