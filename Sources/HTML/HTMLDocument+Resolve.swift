extension HTMLDocument {
    // MARK: - Resolving hrefs

    /// `href` made absolute the way `links` makes each link absolute: against `baseURL`
    /// (`<base href>`, else the page URL), fragment dropped.
    ///
    /// For extract.lua, whose handlers read hrefs of their own (`<link rel="next">`, breadcrumbs)
    /// and should report them as absolute URLs like the answer's `links`.
    /// - Returns: nil for an empty or unusable href and for `javascript:`, `mailto:`, `tel:` and
    ///   `data:`; the href as given (cleaned) when the document has no URL.
    public func absoluteURL(_ href: String) -> String? {
        guard !href.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) else { return nil }
        return URLResolver.resolve(href, against: baseURL)
    }
}
