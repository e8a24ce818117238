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

    /// Words of `class` / `id` names that name furniture (see `namesSay`).
    private static let furnitureWords: Set<String> = [
        "nav", "navbar", "navigation", "menu", "sidebar", "footer", "breadcrumb", "breadcrumbs", "cookie", "cookies",
        "consent", "gdpr", "banner", "share", "sharing", "social", "related", "comment", "comments", "disqus",
        "newsletter", "subscribe", "subscription", "promo", "sponsor", "sponsored", "ad", "ads", "advert",
        "advertisement", "pagination", "pager", "popup", "modal", "masthead", "widget", "toolbar", "skip",
        "headerlink", "permalink", "edit", "editthispage", "editsection", "signup", "rss", "sharebar", "prevnext",
        "byline", "meta", "postmeta", "postmetadata", "author", "dateline", "tags", "reviews", "recommendations", "foot",
        "topbar", "crumbs", "announcement", "signature", "vote", "votes", "votecell", "postprofile", "notice", "sitenotice",
    ]

    /// Words that keep an element whatever else its names say (readability's "ok maybe").
    private static let contentWords: Set<String> = ["content", "article", "main", "body", "post", "entry", "story", "text", "toctree"]

    /// Link texts that are a generator's furniture, not the page's.
    private static let furnitureLinkTexts: Set<String> = [
        "¶", "#", "§", "🔗", "edit this page", "edit on github", "edit on gitlab", "view page source", "show source",
        "view source", "improve this page", "back to top", "skip to content", "skip to main content", "permalink",
        "jump to navigation", "jump to search", "jump to recipe", "print recipe",
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
        return namesSay(element, any: furnitureWords)
    }

    /// A header by tag, `role="banner"` or class/id name: furniture unless it holds a heading.
    static func isHeaderLike(_ element: xmlNodePtr, name: String) -> Bool {
        if name == "header" { return true }
        if attribute(element, "role")?.lowercased() == "banner" { return true }
        return namesSay(element, any: ["header", "masthead"])
    }

    /// Whether the element's `class` / `id` names make it one of `words`.
    ///
    /// Each name (`entry-meta`, `sidebar-content`, `comments-area`) is read as a compound whose
    /// last known word is its head: `entry-meta` is a meta block, `sidebar-content` is content.
    /// A name with a furniture word and no content word is furniture too (`comments-area`). Any
    /// name that is content outright keeps the element, so WordPress's `post … category-comments`
    /// stays an article.
    static func namesSay(_ element: xmlNodePtr, any words: Set<String>) -> Bool {
        guard element.pointee.properties != nil else { return false }
        var said = false
        for name in names(of: element) {
            let parts = name.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
            let head = parts.last { words.contains($0) || contentWords.contains($0) }
            if let head, contentWords.contains(head) { return false }
            if head != nil { said = true }
        }
        return said
    }

    /// The lowercase names in `class` and `id`, each whole (`entry-meta`).
    static func names(of element: xmlNodePtr) -> [String] {
        var names: [String] = []
        for key in ["class", "id"] {
            guard let value = attribute(element, key) else { continue }
            names += value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        return names
    }

    /// The words of the names (`entry-meta` gives `entry` and `meta`).
    static func words(of element: xmlNodePtr) -> Set<String> {
        Set(names(of: element).flatMap { $0.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init) })
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
