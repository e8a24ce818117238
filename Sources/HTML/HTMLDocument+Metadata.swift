extension HTMLDocument {
    // MARK: - Metadata

    /// The first `<title>` outside SVG, whitespace collapsed; nil when absent or empty.
    public var title: String? {
        nonEmpty(firstString("(//title[not(ancestor::svg)])[1]"))
    }

    /// `<meta name="description" content="...">` (name matched case-insensitively).
    public var metaDescription: String? {
        nonEmpty(firstString("(//meta[\(Self.lowercased("@name"))='description']/@content)[1]"))
    }

    /// `<link rel="canonical" href="...">` made absolute against the base URL.
    public var canonicalURL: String? {
        let rel = "contains(concat(' ', normalize-space(\(Self.lowercased("@rel"))), ' '), ' canonical ')"
        guard let href = nonEmpty(firstString("(//link[\(rel)]/@href)[1]")) else { return nil }
        return URLResolver.resolve(href, against: baseURL)
    }

    /// The page language: `<html lang>`, else `<meta http-equiv="content-language">`.
    public var language: String? {
        if let lang = nonEmpty(firstString("(/html/@lang)[1]")) { return lang }
        let equiv = "(//meta[\(Self.lowercased("@http-equiv"))='content-language']/@content)[1]"
        return nonEmpty(firstString(equiv))
    }

    /// The URL relative links resolve against: `<base href>` (itself resolved against the page
    /// URL), else the page URL; nil when the document was parsed without a URL.
    public var baseURL: String? {
        guard let href = nonEmpty(firstString("(//base[@href]/@href)[1]")) else { return url }
        return URLResolver.resolve(href, against: url) ?? url
    }

    // MARK: - Links

    /// The targets of `<a href>`, absolute, in document order, each once.
    ///
    /// Fragments are dropped (`/a#x` and `/a#y` are one page); same-document links (`#top`) and
    /// `javascript:`, `mailto:`, `tel:` and `data:` links are left out. Relative hrefs resolve
    /// against `baseURL`; if the document has no URL at all, they stay relative.
    public var links: [String] {
        let base = baseURL
        var seen = Set<String>()
        var result: [String] = []
        for node in (try? nodes(xpath: "//a/@href")) ?? [] {
            let href = node.textContent
            if href.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" }).first == "#" { continue }
            guard let link = URLResolver.resolve(href, against: base), seen.insert(link).inserted else { continue }
            result.append(link)
        }
        return result
    }

    // MARK: - Helpers

    /// The string value of an expression this module wrote itself (never invalid).
    private func firstString(_ expression: String) -> String {
        guard case .string(let value) = try? xpath("string(\(expression))") else { return "" }
        return value
    }

    private func nonEmpty(_ text: String) -> String? {
        let collapsed = text.collapsingWhitespace()
        return collapsed.isEmpty ? nil : collapsed
    }

    /// An XPath 1.0 expression lowercasing ASCII letters of `value` (XPath 1.0 has no lower-case()).
    static func lowercased(_ value: String) -> String {
        "translate(\(value), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }
}
