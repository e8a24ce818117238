import JSON

/// Reads a config object key by key for `EngineConfiguration.init(json:)`,
/// with one wording for every mistake, and rejects keys nobody read. The
/// typed reads are `JSONObjectReader`'s; this adds the kind to each message
/// and the bookkeeping of known keys.
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
    private let members: JSONObjectReader
    private var known: [String] = []

    /// - Throws: `invalidConfiguration` when `json` is neither absent, `null` nor an object.
    public init(_ json: JSONValue?, kind: String) throws(EngineError) {
        self.kind = kind
        switch json {
        case nil, .null?: members = JSONObjectReader([:])
        case .object(let object)?: members = JSONObjectReader(object)
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
        return members[key]
    }

    /// A string, or `fallback` when absent.
    public mutating func string(_ key: String, default fallback: String) throws(EngineError) -> String {
        try optionalString(key) ?? fallback
    }

    /// A string, or nil when absent: for keys whose default is "none" (a proxy).
    public mutating func optionalString(_ key: String) throws(EngineError) -> String? {
        try read(key) { reader throws(JSONFieldError) in try reader.string(key) }
    }

    /// An integer in `range`; a double with no fractional part counts as an integer.
    public mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(EngineError) -> Int {
        try read(key) { reader throws(JSONFieldError) in try reader.int(key, in: range) } ?? fallback
    }

    /// A boolean (not 0/1, not "true"), or `fallback` when absent.
    public mutating func bool(_ key: String, default fallback: Bool) throws(EngineError) -> Bool {
        try read(key) { reader throws(JSONFieldError) in try reader.bool(key) } ?? fallback
    }

    /// An object whose values are all strings.
    public mutating func stringMap(_ key: String) throws(EngineError) -> [String: String] {
        try read(key) { reader throws(JSONFieldError) in try reader.stringMap(key) } ?? [:]
    }

    /// An array of strings, each one of `allowed` when that is given.
    public mutating func stringArray(_ key: String, default fallback: [String], allowed: Set<String>? = nil) throws(EngineError) -> [String] {
        guard let strings = try read(key, { reader throws(JSONFieldError) in try reader.strings(key) }) else { return fallback }
        if let allowed, let string = strings.first(where: { !allowed.contains($0) }) {
            throw error(key, "has '\(string)', expected one of \(allowed.sorted().joined(separator: ", "))")
        }
        return strings
    }

    /// Call after reading every key.
    /// - Throws: `invalidConfiguration` naming the first unknown key and the known ones.
    public func finish() throws(EngineError) {
        for key in members.members.keys where !known.contains(key) {
            throw EngineError(
                .invalidConfiguration,
                "\(kind) config: unknown key '\(key)' (known keys: \(known.sorted().joined(separator: ", ")))"
            )
        }
    }

    /// Marks `key` as known and reads it through the JSON module's reader, whose
    /// message ("'timeout_ms' must be an integer, got string") follows the kind.
    private mutating func read<T>(_ key: String, _ body: (JSONObjectReader) throws(JSONFieldError) -> T?) throws(EngineError) -> T? {
        known.append(key)
        do {
            return try body(members)
        } catch {
            throw EngineError(.invalidConfiguration, "\(kind) config: \(error.message)")
        }
    }
}
