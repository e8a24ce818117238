import JSON

/// A request's parameters with typed accessors that fail with `bad_request`
/// naming the key and the type that was expected, so a client sees
/// "'limit' must be an integer, got string" rather than a silent default.
public struct Parameters: Sendable {
    public let values: JSONObject

    public init(_ values: JSONObject = [:]) {
        self.values = values
    }

    /// Refuses keys the operation does not take: a typo never silently does
    /// something else (protocol.md, "Unknown keys are an error").
    public func rejectUnknownKeys(allowed: Set<String>) throws(ProtocolError) {
        for key in values.keys where !allowed.contains(key) {
            let known = allowed.isEmpty ? "it takes no parameters" : "known: \(allowed.sorted().joined(separator: ", "))"
            throw ProtocolError(.badRequest, "unknown parameter '\(key)' (\(known))")
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard let value = values[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(ProtocolError) -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let s) = value else { throw mistyped(key, "a string", value) }
        return s
    }

    public func requiredString(_ key: String) throws(ProtocolError) -> String {
        guard let s = try string(key) else { throw ProtocolError(.badRequest, "missing '\(key)'") }
        return s
    }

    public func int(_ key: String) throws(ProtocolError) -> Int? {
        guard let value = self[key] else { return nil }
        guard let i = value.intValue, let int = Int(exactly: i) else { throw mistyped(key, "an integer", value) }
        return int
    }

    public func int(_ key: String, in range: ClosedRange<Int>) throws(ProtocolError) -> Int? {
        guard let i = try int(key) else { return nil }
        guard range.contains(i) else {
            throw ProtocolError(.badRequest, "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
        }
        return i
    }

    public func bool(_ key: String) throws(ProtocolError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard case .bool(let b) = value else { throw mistyped(key, "a boolean", value) }
        return b
    }

    public func object(_ key: String) throws(ProtocolError) -> JSONObject? {
        guard let value = self[key] else { return nil }
        guard case .object(let o) = value else { throw mistyped(key, "an object", value) }
        return o
    }

    public func array(_ key: String) throws(ProtocolError) -> [JSONValue]? {
        guard let value = self[key] else { return nil }
        guard case .array(let a) = value else { throw mistyped(key, "an array", value) }
        return a
    }

    public func strings(_ key: String) throws(ProtocolError) -> [String]? {
        guard let elements = try array(key) else { return nil }
        var result: [String] = []
        for (n, element) in elements.enumerated() {
            guard case .string(let s) = element else { throw mistyped("\(key)[\(n)]", "a string", element) }
            result.append(s)
        }
        return result
    }

    private func mistyped(_ key: String, _ expected: String, _ value: JSONValue) -> ProtocolError {
        ProtocolError(.badRequest, "'\(key)' must be \(expected), got \(value.typeName)")
    }
}
