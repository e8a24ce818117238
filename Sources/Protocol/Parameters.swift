import JSON

/// A request's parameters with typed accessors that fail with `bad_request`
/// naming the key and the type that was expected, so a client sees
/// "'limit' must be an integer, got string" rather than a silent default.
/// The reading and its wording are `JSONObjectReader`'s, shared with
/// `job.submit` and engine configs.
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
        JSONObjectReader(values)[key]
    }

    public func string(_ key: String) throws(ProtocolError) -> String? {
        try read { reader throws(JSONFieldError) in try reader.string(key) }
    }

    public func requiredString(_ key: String) throws(ProtocolError) -> String {
        try read { reader throws(JSONFieldError) in try reader.requiredString(key) }
    }

    public func int(_ key: String) throws(ProtocolError) -> Int? {
        try read { reader throws(JSONFieldError) in try reader.int(key) }
    }

    public func int(_ key: String, in range: ClosedRange<Int>) throws(ProtocolError) -> Int? {
        try read { reader throws(JSONFieldError) in try reader.int(key, in: range) }
    }

    public func bool(_ key: String) throws(ProtocolError) -> Bool? {
        try read { reader throws(JSONFieldError) in try reader.bool(key) }
    }

    public func object(_ key: String) throws(ProtocolError) -> JSONObject? {
        try read { reader throws(JSONFieldError) in try reader.object(key) }
    }

    public func array(_ key: String) throws(ProtocolError) -> [JSONValue]? {
        try read { reader throws(JSONFieldError) in try reader.array(key) }
    }

    public func strings(_ key: String) throws(ProtocolError) -> [String]? {
        try read { reader throws(JSONFieldError) in try reader.strings(key) }
    }

    /// One read through the JSON module's reader, its error as `bad_request`.
    private func read<T>(_ body: (JSONObjectReader) throws(JSONFieldError) -> T) throws(ProtocolError) -> T {
        do {
            return try body(JSONObjectReader(values))
        } catch {
            throw ProtocolError(.badRequest, error.message)
        }
    }
}
