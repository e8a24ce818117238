import HTML
import JSON
import LuaBridge

/// What extract.lua's handlers learn about a fetched page besides its
/// document: the second argument, `page`.
///
/// In Lua: `page.url`, `page.final_url`, `page.status`, `page.depth`,
/// `page.headers` (names lowercased; repeated headers joined with `", "`),
/// `page.content_type` and `page.kind` (`"html"`, `"json"`, `"text"`,
/// `"image"`, `"pdf"` or `"binary"`, see `BodyKind`). For non-HTML bodies
/// `page.size` is the body's length, and `page.text` / `page.json` carry the
/// body as `Extractor.extract(body:kind:page:)` describes.
public struct PageInfo: Sendable {
    /// The URL the crawl asked for.
    public var url: String
    /// The URL after redirects: links resolve against it, and its host picks the handler.
    public var finalURL: String
    /// The HTTP status.
    public var status: Int
    /// Response headers as received, in order.
    public var headers: [(name: String, value: String)]
    /// Links followed from the job's start page (0 for a single crawl).
    public var depth: Int

    public init(url: String, finalURL: String? = nil, status: Int, headers: [(name: String, value: String)] = [], depth: Int = 0) {
        self.url = url
        self.finalURL = finalURL ?? url
        self.status = status
        self.headers = headers
        self.depth = depth
    }

    /// The `Content-Type` header's value, nil when there is none.
    public var contentType: String? {
        headers.first { $0.name.lowercased() == "content-type" }?.value
    }

    /// The final URL's host, lowercased, without port, user info or trailing
    /// dot; empty when the URL has no authority.
    public var host: String {
        Self.host(of: finalURL)
    }

    /// The `page` table for a body of `kind`.
    func luaTable(kind: BodyKind) -> LuaTable {
        var headerTable: [LuaValue: LuaValue] = [:]
        for (name, value) in headers {
            let key = LuaValue.text(name.lowercased())
            if case .string(let previous)? = headerTable[key] {
                headerTable[key] = .string(previous + Array(", ".utf8) + Array(value.utf8))
            } else {
                headerTable[key] = .text(value)
            }
        }
        var map: [LuaValue: LuaValue] = [
            "url": .text(url), "final_url": .text(finalURL), "status": .int(Int64(status)),
            "depth": .int(Int64(depth)), "headers": .table(LuaTable(map: headerTable)), "kind": .text(kind.rawValue),
        ]
        if let contentType { map["content_type"] = .text(contentType) }
        return LuaTable(map: map)
    }

    static func host(of url: String) -> String {
        let bytes = Array(url.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: Array("://".utf8)) else { return "" }
        let start = colon + 3
        let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        var authority = bytes[start..<end]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        if authority.first == UInt8(ascii: "[") {
            if let close = authority.firstIndex(of: UInt8(ascii: "]")) { authority = authority[...close] }
        } else if let port = authority.lastIndex(of: UInt8(ascii: ":")) {
            authority = authority[..<port]
        }
        if authority.last == UInt8(ascii: ".") { authority = authority.dropLast() }
        return String(decoding: authority, as: UTF8.self).lowercased()
    }
}
