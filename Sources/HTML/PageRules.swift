/// The rules that turn what a page holds into its title, base URL and links.
///
/// One place for both readers of a page: the tree (`HTMLDocument`) and the streaming pass
/// (`PageOutline`) gather the same raw facts in their own way and hand them here, so a page
/// gets the same `title` and `links` whichever of the two read it.
enum PageRules {
    /// `text` with whitespace collapsed; nil when nothing is left.
    static func nonEmpty(_ text: String) -> String? {
        let collapsed = text.collapsingWhitespace()
        return collapsed.isEmpty ? nil : collapsed
    }

    /// The text of the first `<title>` child of `/html/head` when it has any, else that of the
    /// first `<title>` outside SVG (asked for only then: the tree has to search for it).
    static func title(headTitle: String?, firstTitle: () -> String?) -> String? {
        if let text = headTitle.flatMap(nonEmpty) { return text }
        return firstTitle().flatMap(nonEmpty)
    }

    /// The URL relative links resolve against: the `href` of the first `<base href>` child of
    /// `/html/head`, else of the first `<base href>` anywhere, resolved against the page URL;
    /// else the page URL.
    static func baseURL(headHref: String?, anyHref: () -> String?, url: String?) -> String? {
        guard let href = headHref.flatMap(nonEmpty) ?? anyHref().flatMap(nonEmpty) else { return url }
        return URLResolver.resolve(href, against: url) ?? url
    }

    /// The `<a href>` values of a page (in document order, `#...` ones already left out) as the
    /// page's links: absolute against `base`, fragments dropped, each once, `javascript:` and
    /// the like left out. Each distinct href is resolved once: pages repeat the same href often.
    static func links(hrefs: [String], base: String?) -> [String] {
        // Sized at once: grown from empty, the two sets were rehashed five or six times on a docs page.
        var seenHrefs = Set<String>(minimumCapacity: hrefs.count)
        var seen = Set<String>(minimumCapacity: hrefs.count)
        var result: [String] = []
        result.reserveCapacity(hrefs.count)
        var resolver = URLResolver.Batch(base: base)
        for var href in hrefs {
            // By bytes in the string's own storage: `firstIndex(of: Character)` compares grapheme
            // clusters (a third of a page's links time), and the UTF-8 view's `firstIndex(of:)`
            // walked it index by index (630 instructions a link; docs/benchmarks.md, 2026-12-06).
            if let hash = href.withUTF8({ $0.firstIndex(of: UInt8(ascii: "#")) }) {
                href = String(decoding: href.utf8.prefix(hash), as: UTF8.self)
            }
            guard seenHrefs.insert(href).inserted else { continue }
            guard let link = resolver.resolve(href), seen.insert(link).inserted else { continue }
            result.append(link)
        }
        return result
    }
}
