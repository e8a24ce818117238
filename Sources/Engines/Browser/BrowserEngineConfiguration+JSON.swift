import JSON

extension BrowserEngineConfiguration: EngineConfiguration {
    /// Reads a `browser` config object; see the key table on the type.
    /// - Throws: `EngineError.invalidConfiguration` naming the key.
    public init(json: JSONValue?) throws(EngineError) {
        self.init()
        var reader = try EngineConfigurationReader(json, kind: Self.kind)
        viewportWidth = try reader.int("viewport_width", default: viewportWidth, range: 16...8192)
        viewportHeight = try reader.int("viewport_height", default: viewportHeight, range: 16...8192)
        userAgent = try reader.optionalString("user_agent")
        javascript = try reader.bool("javascript", default: javascript)
        let names = try reader.stringArray("block", default: [], allowed: Set(BlockedResource.allCases.map(\.rawValue)))
        blocked = Set(names.compactMap(BlockedResource.init(rawValue:)))
        var headers: [String: String] = [:]
        for (name, value) in try reader.stringMap("headers") {
            let lowered = name.lowercased()
            guard headers.updateValue(value, forKey: lowered) == nil else {
                throw reader.error("headers", "names '\(lowered)' twice (header names ignore case)")
            }
        }
        self.headers = headers
        timeoutMilliseconds = try reader.int("timeout_ms", default: timeoutMilliseconds, range: 1...600_000)
        try reader.finish()
    }

    public var canonicalJSON: JSONValue {
        let object: JSONValue = [
            "viewport_width": .int(Int64(viewportWidth)),
            "viewport_height": .int(Int64(viewportHeight)),
            "user_agent": userAgent.map(JSONValue.string) ?? .null,
            "javascript": .bool(javascript),
            "block": .array(blocked.sorted().map { .string($0.rawValue) }),
            "headers": .object(JSONObject(uniqueKeysWithValues: headers.map { ($0.key, JSONValue.string($0.value)) })),
            "timeout_ms": .int(Int64(timeoutMilliseconds)),
        ]
        return object.sortingKeys()
    }
}
