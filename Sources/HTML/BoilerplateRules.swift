internal import CLibXML2

/// Which elements are page furniture rather than content, judged from the markup alone.
///
/// The rules are the ones readability and trafilatura converge on: tags and ARIA roles
/// that name navigation and chrome, words in `class` and `id` that name it (unless a word
/// such as `content` or `article` says otherwise, so `sidebar-content` survives), hidden
/// elements, and the small links a docs generator adds ("¶" header links, "edit this page").
/// A `header` (tag, role or class word) is furniture only when it holds no heading: an
/// article's `<header><h1>…` is its title. That one rule needs the element's content, so it
/// is the caller's to apply on the way out (`isHeaderLike`).
enum BoilerplateRules {
    /// Elements that are never content, whatever their text.
    static let furnitureTags = ElementNameSet(["nav", "aside", "footer", "button", "select", "input", "textarea", "dialog", "menu"])

    /// ARIA landmark roles of the page's chrome (`banner` is handled as a header).
    private static let furnitureRoles: Set<String> = [
        "navigation", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu", "menubar", "toolbar",
    ]

    /// Words of `class` / `id` that name furniture (matched as whole words, split at `-`, `_` and spaces).
    private static let furnitureWords: Set<String> = [
        "nav", "navbar", "navigation", "menu", "sidebar", "footer", "breadcrumb", "breadcrumbs", "cookie", "cookies",
        "consent", "gdpr", "banner", "share", "sharing", "social", "related", "comment", "comments", "disqus",
        "newsletter", "subscribe", "subscription", "promo", "sponsor", "sponsored", "ad", "ads", "advert",
        "advertisement", "pagination", "pager", "popup", "modal", "masthead", "widget", "toolbar", "skip",
        "headerlink", "permalink", "edit", "editthispage", "signup", "rss", "sharebar", "prevnext",
    ]

    /// Words that keep an element whatever else its names say (readability's "ok maybe").
    private static let contentWords: Set<String> = ["content", "article", "main", "body", "post", "entry", "story", "text", "toctree"]

    /// Link texts that are a generator's furniture, not the page's.
    private static let furnitureLinkTexts: Set<String> = [
        "¶", "#", "§", "🔗", "edit this page", "edit on github", "edit on gitlab", "view page source", "show source",
        "view source", "improve this page", "back to top", "skip to content", "skip to main content", "permalink",
    ]

    /// Whether `element` is furniture by its own markup: tag, role, names, hidden state, or
    /// (for links) a generator's link text.
    static func isFurniture(_ element: xmlNodePtr, name: String) -> Bool {
        if furnitureTags.contains(element) { return true }
        if hasAttribute(element, "hidden") { return true }
        if let hidden = attribute(element, "aria-hidden"), hidden == "true" { return true }
        if let style = attribute(element, "style") {
            let compact = style.lowercased().filter { $0 != " " }
            if compact.contains("display:none") || compact.contains("visibility:hidden") { return true }
        }
        if let role = attribute(element, "role"), furnitureRoles.contains(role.lowercased()) { return true }
        if name == "a", isFurnitureLink(element) { return true }
        let words = names(of: element)
        guard !words.isEmpty, words.isDisjoint(with: contentWords) else { return false }
        return !words.isDisjoint(with: furnitureWords)
    }

    /// A header by tag, `role="banner"` or class/id word: furniture unless it holds a heading.
    static func isHeaderLike(_ element: xmlNodePtr, name: String) -> Bool {
        if name == "header" { return true }
        if attribute(element, "role")?.lowercased() == "banner" { return true }
        let words = names(of: element)
        return words.contains("header") && words.isDisjoint(with: contentWords)
    }

    /// The lowercase words of `class` and `id`.
    static func names(of element: xmlNodePtr) -> Set<String> {
        var words: Set<String> = []
        for key in ["class", "id"] {
            guard let value = attribute(element, key) else { continue }
            for word in value.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" || $0 == "\t" }) {
                words.insert(String(word))
            }
        }
        return words
    }

    /// A header link (`href="#…"` whose text is a mark) or an "edit this page" style link.
    private static func isFurnitureLink(_ element: xmlNodePtr) -> Bool {
        let text = HTMLNode.content(of: element).collapsingWhitespace().lowercased()
        if furnitureLinkTexts.contains(text) { return true }
        guard let title = attribute(element, "title")?.lowercased() else { return false }
        return text.count <= 2 && (title.contains("permalink") || title.contains("link to this"))
    }

    private static func hasAttribute(_ element: xmlNodePtr, _ name: String) -> Bool {
        xmlHasProp(element, name) != nil
    }

    static func attribute(_ element: xmlNodePtr, _ name: String) -> String? {
        guard element.pointee.properties != nil, let value = xmlGetProp(element, name) else { return nil }
        defer { releaseXML(value) }
        return String(cString: value)
    }
}
