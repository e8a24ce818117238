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

    /// Words of `class` / `id` names that name furniture (see `Names`).
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
    static func isFurniture(_ element: xmlNodePtr, name: String, _ attributes: ElementAttributes, _ names: Names) -> Bool {
        if furnitureTags.contains(element) { return true }
        if attributes.hidden || attributes.ariaHidden { return true }
        if let style = attributes.style {
            let compact = style.lowercased().filter { $0 != " " }
            if compact.contains("display:none") || compact.contains("visibility:hidden") { return true }
        }
        if let role = attributes.role, furnitureRoles.contains(role) { return true }
        if name == "a", isFurnitureLink(element, attributes) { return true }
        return names.furniture
    }

    /// A header by tag, `role="banner"` or class/id name: furniture unless it holds a heading.
    static func isHeaderLike(name: String, _ attributes: ElementAttributes, _ names: Names) -> Bool {
        name == "header" || attributes.role == "banner" || names.header
    }

    /// What an element's `class` and `id` names say, read once per element.
    ///
    /// Each name (`entry-meta`, `sidebar-content`, `comments-area`) is read as a compound whose
    /// last known word is its head: `entry-meta` is a meta block, `sidebar-content` is content.
    /// A name with a furniture word and no content word is furniture too (`comments-area`). Any
    /// name that is content outright keeps the element, so WordPress's `post … category-comments`
    /// stays an article.
    struct Names {
        var furniture = false
        var header = false
        /// A Sphinx table of contents (`toctree-wrapper`): links that are a docs page's content.
        var toctree = false
        /// readability's ±25 for names that say content or furniture.
        var weight = 0.0

        init(_ attributes: ElementAttributes) {
            guard attributes.className != nil || attributes.id != nil else { return }
            var furnitureDenied = false
            var headerDenied = false
            var positive = false
            var negative = false
            for name in attributes.names {
                let parts = name.split(whereSeparator: { $0 == "-" || $0 == "_" })
                var furnitureHead: Bool?
                var headerHead: Bool?
                for part in parts.reversed() {
                    let word = String(part)
                    if word == "toctree" { toctree = true }
                    if positiveWords.contains(word) { positive = true }
                    if negativeWords.contains(word) { negative = true }
                    let isContent = contentWords.contains(word)
                    if furnitureHead == nil, isContent || furnitureWords.contains(word) { furnitureHead = !isContent }
                    if headerHead == nil, isContent || word == "header" || word == "masthead" { headerHead = !isContent }
                }
                if furnitureHead == false { furnitureDenied = true }
                if headerHead == false { headerDenied = true }
                if furnitureHead == true { furniture = true }
                if headerHead == true { header = true }
            }
            if furnitureDenied { furniture = false }
            if headerDenied { header = false }
            weight = (positive ? 25 : 0) - (negative ? 25 : 0)
        }
    }

    private static let positiveWords: Set<String> = ["article", "body", "content", "entry", "main", "page", "post", "text", "blog", "story", "prose"]
    private static let negativeWords: Set<String> = [
        "comment", "comments", "meta", "footer", "footnote", "related", "sidebar", "sponsor", "widget", "share", "tags", "byline",
        "author", "date", "promo", "shopping", "media", "hidden",
    ]

    /// A header link (`href="#…"` whose text is a mark) or an "edit this page" style link.
    /// Only a link whose content is one short text is read: the marks and phrases are short,
    /// and reading every link's text would cost a copy per link.
    private static func isFurnitureLink(_ element: xmlNodePtr, _ attributes: ElementAttributes) -> Bool {
        guard let child = element.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
            let content = child.pointee.content, xmlStrlen(content) <= 40
        else { return false }
        let text = String(cString: content).collapsingWhitespace().lowercased()
        if furnitureLinkTexts.contains(text) { return true }
        guard let title = attributes.title?.lowercased() else { return false }
        return text.count <= 2 && (title.contains("permalink") || title.contains("link to this"))
    }

    /// An attribute's value (for the elements the detection looks at once, not per element).
    static func attribute(_ element: xmlNodePtr, _ name: String) -> String? {
        guard element.pointee.properties != nil, let value = xmlGetProp(element, name) else { return nil }
        defer { releaseXML(value) }
        return String(cString: value)
    }
}
