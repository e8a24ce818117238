import JSON

/// Reads a config object key by key for `EngineConfiguration.init(json:)`,
/// with one wording for every mistake, and rejects keys nobody read.
///
/// A key that is absent or `null` takes its default (Lua tables cannot hold
/// nil, JSON clients may send null). Typical use:
///
/// ```swift
/// var reader = try EngineConfigurationReader(json, kind: "browser")
/// javascript = try reader.bool("javascript", default: true)
/// try reader.finish()
/// ```
public struct EngineConfigurationReader {
    private let kind: String
    private let members: JSONObject
    private var known: [String] = []

    /// - Throws: `invalidConfiguration` when `json` is neither absent, `null` nor an object.
    public init(_ json: JSONValue?, kind: String) throws(EngineError) {
        self.kind = kind
        switch json {
        case nil, .null?: members = [:]
        case .object(let object)?: members = object
        case let other?: throw EngineError(.invalidConfiguration, "\(kind) config must be an object, got \(other.typeName)")
        }
    }

    /// An error about `key`, worded like the reader's own ("http config: 'timeout_ms' ...").
    public func error(_ key: String, _ problem: String) -> EngineError {
        EngineError(.invalidConfiguration, "\(kind) config: '\(key)' \(problem)")
    }

    /// Marks `key` as known and returns its value, or nil when absent or null.
    public mutating func value(_ key: String) -> JSONValue? {
        known.append(key)
        switch members[key] {
        case nil, .null?: return nil
        case let value?: return value
        }
    }

    /// A string, or `fallback` when absent.
    public mutating func string(_ key: String, default fallback: String) throws(EngineError) -> String {
        try optionalString(key) ?? fallback
    }

    /// A string, or nil when absent: for keys whose default is "none" (a proxy).
    public mutating func optionalString(_ key: String) throws(EngineError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.stringValue else { throw error(key, "must be a string, got \(value.typeName)") }
        return string
    }

    /// An integer in `range`; a double with no fractional part counts as an integer.
    public mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(EngineError) -> Int {
        guard let value = value(key) else { return fallback }
        guard let number = value.intValue else {
            let got = value.doubleValue.map { "\($0)" } ?? value.typeName
            throw error(key, "must be an integer, got \(got)")
        }
        guard number >= range.lowerBound, number <= range.upperBound else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return Int(number)
    }

    /// A boolean (not 0/1, not "true"), or `fallback` when absent.
    public mutating func bool(_ key: String, default fallback: Bool) throws(EngineError) -> Bool {
        guard let value = value(key) else { return fallback }
        guard let bool = value.boolValue else { throw error(key, "must be a boolean, got \(value.typeName)") }
        return bool
    }

    /// An object whose values are all strings.
    public mutating func stringMap(_ key: String) throws(EngineError) -> [String: String] {
        guard let value = value(key) else { return [:] }
        guard let object = value.objectValue else { throw error(key, "must be an object of strings, got \(value.typeName)") }
        var map: [String: String] = [:]
        for (name, member) in object {
            guard let string = member.stringValue else {
                throw error(key, "must be an object of strings, but '\(name)' is \(member.typeName)")
            }
            map[name] = string
        }
        return map
    }

    /// An array of strings, each one of `allowed` when that is given.
    public mutating func stringArray(_ key: String, default fallback: [String], allowed: Set<String>? = nil) throws(EngineError) -> [String] {
        guard let value = value(key) else { return fallback }
        guard let array = value.arrayValue else { throw error(key, "must be an array of strings, got \(value.typeName)") }
        var strings: [String] = []
        for element in array {
            guard let string = element.stringValue else { throw error(key, "must be an array of strings, got a \(element.typeName) in it") }
            if let allowed, !allowed.contains(string) {
                throw error(key, "has '\(string)', expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            strings.append(string)
        }
        return strings
    }

    /// Call after reading every key.
    /// - Throws: `invalidConfiguration` naming the first unknown key and the known ones.
    public func finish() throws(EngineError) {
        for key in members.keys where !known.contains(key) {
            throw EngineError(
                .invalidConfiguration,
                "\(kind) config: unknown key '\(key)' (known keys: \(known.sorted().joined(separator: ", ")))"
            )
        }
    }
}
