extension HTMLDocument {
    // MARK: - Markdown

    /// The content as Markdown: headings, paragraphs, (nested) lists, links made absolute,
    /// emphasis, inline code and fenced code blocks, blockquotes, pipe tables, images by alt text.
    ///
    /// Hidden content (script, style, noscript, template, head) is left out, as in `visibleText`.
    /// Links to the same page (`#x`) and to `javascript:` and the like keep their text only.
    /// - Parameter node: The subtree to render (e.g. a `main` found by CSS); the body when nil.
    public func markdown(of node: HTMLNode? = nil) -> String {
        guard let start = node ?? body else { return "" }
        var renderer = MarkdownRenderer(baseURL: baseURL)
        Self.walk(start.pointer, &renderer)
        return renderer.finish()
    }
}
