import LuaBridge

/// extract.lua's `sites` keys, read once at validation: which handler a host gets.
///
/// A key is a host (`docs.example.org`) or a wildcard (`*.example.org`).
/// An exact host beats any wildcard; among wildcards the longest wins
/// (`*.docs.example.org` before `*.example.org`); a host no key matches gets
/// `default`. A wildcard matches subdomains only, as in TLS certificates:
/// `*.example.org` matches `a.example.org` and `a.b.example.org`, not
/// `example.org` itself, which needs its own key.
public struct ExtractorSites: Sendable {
    /// Lowercased host → the key as written in the script.
    private var exact: [String: String] = [:]
    /// `.example.org` → the key as written, longest suffix first.
    private var wildcards: [(suffix: String, key: String)] = []

    init() {}

    /// Builds the table from the script's keys.
    /// - Throws: `.validation` naming a key that is not a string host pattern.
    init(keys: [LuaValue]) throws(LuaError) {
        for key in keys {
            guard let written = key.stringValue else {
                throw ExtractorShape.failure("sites keys must be host names (got \(PolicyShape.describe(key)))")
            }
            let pattern = written.lowercased()
            if pattern.hasPrefix("*.") {
                let suffix = String(pattern.dropFirst())
                guard Self.isHostName(suffix.dropFirst()) else { throw Self.badKey(written) }
                wildcards.append((suffix, written))
            } else {
                guard Self.isHostName(Substring(pattern)) else { throw Self.badKey(written) }
                exact[pattern] = written
            }
        }
        wildcards.sort { $0.suffix.utf8.count != $1.suffix.utf8.count ? $0.suffix.utf8.count > $1.suffix.utf8.count : $0.suffix < $1.suffix }
    }

    /// The `sites` key whose handler serves `host`, nil for `default`.
    /// - Parameter host: lowercased, as `PageInfo.host` gives it.
    public func key(forHost host: String) -> String? {
        if let key = exact[host] { return key }
        return wildcards.first { host.hasSuffix($0.suffix) && host.utf8.count > $0.suffix.utf8.count }?.key
    }

    /// The Lua function for `host`: `sites[key]`, or `default`.
    func handler(forHost host: String) -> LuaPath {
        key(forHost: host).map { .module(ExtractorShape.module, "sites", $0) } ?? .module(ExtractorShape.module, "default")
    }

    /// Letters, digits, `-` and `_` in non-empty dot-separated labels.
    private static func isHostName(_ name: Substring) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty
                && label.utf8.allSatisfy { byte in
                    (97...122).contains(byte) || (48...57).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                }
        }
    }

    private static func badKey(_ key: String) -> LuaError {
        ExtractorShape.failure("sites key \"\(key)\" must be a host (docs.example.org) or a wildcard (*.example.org)")
    }
}
