import JSON

/// The bounds a client's engine `config` must keep, checked before the
/// config reaches Lua (`policies.engine_for`) or an engine.
///
/// One nesting limit for every way a config comes in (the `crawl` op and
/// `job.submit`): 32 levels, the config object itself being the first. It
/// sits well below what the Lua bridge pushes (200) and what the JSON
/// parser reads (512), so a config that passes here can never fail inside
/// `engine_for` for its shape. No engine config needs more than a few
/// levels; the other limits keep one request's config from costing the Lua
/// state, the selection cache and the pool signature more than a page does.
public enum EngineConfigLimits {
    /// Levels of objects and arrays, the config object included.
    public static let maxDepth = 32
    /// Keys, values and elements counted over the whole config.
    public static let maxValues = 1_000
    /// UTF-8 bytes of any one key or string (a long cookie header fits).
    public static let maxStringBytes = 16 * 1024

    /// - Throws: `CrawlError` `badRequest` naming the limit and the path where it was passed.
    public static func check(_ config: JSONObject) throws(CrawlError) {
        var count = 0
        try check(.object(config), path: "config", depth: 1, count: &count)
    }

    private static func check(_ value: JSONValue, path: String, depth: Int, count: inout Int) throws(CrawlError) {
        count += 1
        guard count <= maxValues else { throw refusal("has more than \(maxValues) keys and values") }
        switch value {
        case .object(let object):
            guard depth <= maxDepth else { throw refusal("nests deeper than \(maxDepth) levels at \(path)") }
            for (key, element) in object {
                try checkString(key, path: path)
                count += 1
                try check(element, path: "\(path).\(key.prefix(64))", depth: depth + 1, count: &count)
            }
        case .array(let elements):
            guard depth <= maxDepth else { throw refusal("nests deeper than \(maxDepth) levels at \(path)") }
            for (index, element) in elements.enumerated() {
                try check(element, path: "\(path)[\(index)]", depth: depth + 1, count: &count)
            }
        case .string(let text):
            try checkString(text, path: path)
        default:
            return
        }
    }

    private static func checkString(_ text: String, path: String) throws(CrawlError) {
        guard text.utf8.count <= maxStringBytes else {
            throw refusal("has a string longer than \(maxStringBytes) bytes at \(path)")
        }
    }

    private static func refusal(_ what: String) -> CrawlError {
        CrawlError(.badRequest, "'config' \(what)")
    }
}
