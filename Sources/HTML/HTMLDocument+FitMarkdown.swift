extension HTMLDocument {
    // MARK: - Main content as Markdown

    /// The page's main content as Markdown (`fit_markdown`): what `markdown()` gives, without
    /// the navigation, headers, footers, sidebars, cookie banners, "edit this page" links and
    /// header-link marks around and inside it (see `MainContent` for how it is found).
    ///
    /// - Parameters:
    ///   - main: the subtree to start from (extract.lua's `main` override); found when nil.
    ///     Furniture inside it is still removed.
    ///   - query: when given, only the blocks relevant to it are kept (`BM25BlockFilter`).
    /// - Returns: Markdown ending in one newline, or empty when the page has no content.
    public func fitMarkdown(main: HTMLNode? = nil, query: String? = nil) -> String {
        guard let content = mainContent(override: main) else { return "" }
        var renderer = PruningVisitor(inner: MarkdownRenderer(baseURL: baseURL), pruned: content.pruned)
        if let title = content.title { Self.walk(title, &renderer) }
        Self.walk(content.root, &renderer)
        let markdown = renderer.inner.finish()
        guard let query, !query.isEmpty else { return markdown }
        return BM25BlockFilter(query: query).filter(markdown)
    }
}
