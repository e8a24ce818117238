import JSON

extension EngineSelection {
    /// `config` with its `proxy` name replaced by the URL policies.lua's
    /// `proxies` table declares for it.
    ///
    /// Proxies come from the operator: a client (or `engine_for`) picks one
    /// by name, or none. A URL in `proxy` is refused like an unknown name,
    /// whoever wrote it: the shipped `engine_for` passes the client's config
    /// through, so a URL there could point the engine at any host and port,
    /// and the difference between an open and a closed port would make
    /// crawld a port scanner. The refusal is the same whatever the value
    /// names, and nothing is connected to.
    /// - Throws: `CrawlError` `badRequest` for a name policies.lua does not declare.
    static func resolvingProxy(in config: JSONObject, declared: [String: String]) throws(CrawlError) -> JSONObject {
        guard let value = config["proxy"], value != .null else { return config }
        guard case .string(let name) = value, let url = declared[name] else {
            let known = declared.isEmpty ? "policies.lua declares none" : "declared: \(declared.keys.sorted().joined(separator: ", "))"
            throw CrawlError(.badRequest, "'proxy' must name a proxy declared in policies.lua's proxies table (\(known))")
        }
        var resolved = config
        resolved["proxy"] = .string(url)
        return resolved
    }
}
