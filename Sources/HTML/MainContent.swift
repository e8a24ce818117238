internal import CLibXML2

/// The part of a page that is its content: a subtree, minus the furniture inside it.
///
/// Made by `HTMLDocument.mainContent(override:)`, rendered by `fitMarkdown`. The root is, in
/// order of trust:
/// 1. the node extract.lua's `main(doc, page)` named;
/// 2. the page's own say: the `<main>` or `role="main"` element with the most text, else an
///    `<article>` holding at least two thirds of all articles' text, when its text after
///    furniture is removed is at least `minimumHintText` characters (a `<main>` that wraps
///    only a hero banner is not believed);
/// 3. readability's choice: the element with the best paragraph score weighed by its tag and
///    names and discounted by its link density, together with siblings that score nearly as
///    well or read as prose (so a thread of posts in sibling `div`s stays whole).
/// Inside the root, `ContentScanner` says what is furniture. When the root was found (not
/// named by a script) and the page's only `<h1>` lies outside it, that heading is the title
/// and comes first, as readability gives the title beside the content.
struct MainContent {
    let root: xmlNodePtr
    /// Nodes below `root` to leave out, with everything below them.
    let pruned: Set<xmlNodePtr>
    /// The page's title heading, when it lies outside `root`.
    var title: xmlNodePtr?

    /// Below this many characters of text a structural hint is not believed.
    static let minimumHintText = 140
}

extension HTMLDocument {
    /// The main content of the page (see `MainContent`).
    /// - Parameter override: the node a script chose; its furniture is still removed.
    func mainContent(override: HTMLNode? = nil) -> MainContent? {
        if let override { return Self.scanned(override.pointer).main }
        guard let body else { return nil }
        var found: MainContent
        if let hint = structuralHint(), case let content = Self.scanned(hint), content.text >= MainContent.minimumHintText {
            found = content.main
        } else {
            var scanner = ContentScanner(start: body.pointer, trustsLists: false)
            Self.walk(body.pointer, &scanner)
            found = Self.bestCandidate(in: scanner, body: body.pointer)
        }
        let headings = elementIndex.elements(named: Self.headingOneName)
        if headings.count == 1, let heading = headings.first, !Self.isInside(heading, found.root), isShown(heading), namesThePage(heading) {
            found.title = heading
        }
        return found
    }

    /// Whether a heading is the page's title rather than the site's name in a logo: its text is
    /// at least half of the `<title>` (which adds the site's name to the page's).
    private func namesThePage(_ heading: xmlNodePtr) -> Bool {
        let text = HTMLNode.content(of: heading).collapsingWhitespace()
        guard let title, !text.isEmpty else { return false }
        return text.count * 2 >= title.count
    }

    private static func scanned(_ start: xmlNodePtr) -> (main: MainContent, text: Int) {
        var scanner = ContentScanner(start: start, trustsLists: true)
        walk(start, &scanner)
        return (MainContent(root: start, pruned: scanner.furniture), scanner.figures[start]?.text ?? 0)
    }

    /// `<main>` / `role="main"` with the most text, else the dominant `<article>`.
    ///
    /// Each candidate's text is copied once to be measured, so only the first
    /// `maximumHints` of each kind are: 100,000 nested `<main>`s would otherwise cost a
    /// copy of the page each. A page with more articles than that (an index of posts) is
    /// left to the scoring.
    private func structuralHint() -> xmlNodePtr? {
        let roles = elementIndex.elements.lazy.filter { $0.pointee.properties != nil && BoilerplateRules.attribute($0, "role")?.lowercased() == "main" }
        let mains = (Array(elementIndex.elements(named: Self.mainName).prefix(Self.maximumHints)) + Array(roles.prefix(Self.maximumHints)))
            .filter(isShown)
        if let best = Self.longest(mains) { return best.node }
        let articles = elementIndex.elements(named: Self.articleName)
        guard articles.count <= Self.maximumHints, let best = Self.longest(articles.filter(isShown)) else { return nil }
        return best.length * 3 >= best.total * 2 ? best.node : nil
    }

    /// Whether `element` is in the body and outside anything never shown (a `<main>` in
    /// `<noscript>` or `<template>` is not the page's content, and `markdown` leaves it out).
    private func isShown(_ element: xmlNodePtr) -> Bool {
        guard let body else { return false }
        var current = element.pointee.parent
        while let ancestor = current {
            if ancestor == body.pointer { return true }
            if HTMLDocument.hiddenElements.contains(HTMLDocument.tagName(ancestor)) { return false }
            current = ancestor.pointee.parent
        }
        return false
    }

    /// How many `main` / `article` elements are measured at most.
    private static let maximumHints = 64

    /// The element with the longest text, its length, and all their lengths together.
    private static func longest(_ elements: [xmlNodePtr]) -> (node: xmlNodePtr, length: Int, total: Int)? {
        let lengths = elements.map(textLength)
        guard let index = lengths.indices.max(by: { lengths[$0] < lengths[$1] }) else { return nil }
        return (elements[index], lengths[index], lengths.reduce(0, +))
    }

    private static let mainName = ElementName("main")
    private static let headingOneName = ElementName("h1")
    private static let articleName = ElementName("article")

    private static func textLength(_ element: xmlNodePtr) -> Int {
        HTMLNode.content(of: element).utf8.count
    }

    // MARK: - Scoring

    /// readability's top candidate, raised to the ancestor it shares with other candidates that
    /// score nearly as well (the posts of a thread), and the siblings that belong with it.
    ///
    /// Candidates of equal score rank in document order, so the first wins, as in readability.
    /// The figures are a dictionary keyed by node pointer, whose order follows the addresses the
    /// tree was given and the process's hash seed: ranked in it, the same page gave another
    /// fit_markdown from one parse to the next (found by fuzzing: every candidate below a link
    /// scores 0, so such ties are common).
    private static func bestCandidate(in scanner: ContentScanner, body: xmlNodePtr) -> MainContent {
        var ranked: [(node: xmlNodePtr, score: Double, order: Int)] = []
        for (node, figures) in scanner.figures where figures.score > 0 {
            ranked.append((node, candidateScore(node, figures), figures.order))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
        guard let (best, topScore, _) = ranked.first else { return MainContent(root: body, pruned: scanner.furniture) }
        let top = sharedAncestor(of: best, with: ranked.dropFirst().prefix(8).filter { $0.score >= topScore * 0.5 }.map(\.node), below: body)
        guard top != body, let parent = top.pointee.parent else { return MainContent(root: body, pruned: scanner.furniture) }
        let threshold = max(10, topScore * 0.2)
        var pruned = scanner.furniture
        var child = parent.pointee.children
        while let sibling = child {
            child = sibling.pointee.next
            guard sibling != top, !pruned.contains(sibling) else { continue }
            if let figures = scanner.figures[sibling], belongs(sibling, figures, threshold: threshold) { continue }
            pruned.insert(sibling)
        }
        return MainContent(root: parent, pruned: pruned)
    }

    /// The nearest ancestor of `top` that also holds at least two of `alternatives` (which are
    /// not inside `top`), or `top` itself.
    private static func sharedAncestor(of top: xmlNodePtr, with alternatives: [xmlNodePtr], below body: xmlNodePtr) -> xmlNodePtr {
        let others = alternatives.filter { !isInside($0, top) && !isInside(top, $0) }
        guard others.count >= 2 else { return top }
        // Each alternative's ancestors once, so the climb is linear in the depth (a page of
        // 100,000 nested elements must not cost their square).
        let lineages = others.map { Set(sequence(first: $0) { $0.pointee.parent }) }
        var ancestor = top.pointee.parent
        while let current = ancestor, current != body {
            if lineages.count(where: { $0.contains(current) }) >= 2 { return current }
            ancestor = current.pointee.parent
        }
        return top
    }

    private static func isInside(_ node: xmlNodePtr, _ container: xmlNodePtr) -> Bool {
        var current: xmlNodePtr? = node
        while let element = current {
            if element == container { return true }
            current = element.pointee.parent
        }
        return false
    }

    /// A sibling joins the top candidate when it scores well or reads as prose.
    private static func belongs(_ sibling: xmlNodePtr, _ figures: ContentScanner.Figures, threshold: Double) -> Bool {
        if figures.score > 0, candidateScore(sibling, figures) >= threshold { return true }
        if figures.hasCode || figures.hasHeading && figures.text < 200 { return true }
        return figures.text > 80 && figures.linkDensity < 0.25
    }

    private static func candidateScore(_ node: xmlNodePtr, _ figures: ContentScanner.Figures) -> Double {
        (figures.score + tagWeight(tagName(node)) + nameWeight(node)) * (1 - figures.linkDensity)
    }

    /// readability's initial score by tag.
    private static func tagWeight(_ name: String) -> Double {
        switch name {
        case "div", "article", "main", "section": 5
        case "pre", "td", "blockquote": 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": -5
        default: 0
        }
    }

    /// ±25 for names that say content or furniture.
    private static func nameWeight(_ node: xmlNodePtr) -> Double {
        BoilerplateRules.Names(ElementAttributes(node)).weight
    }
}
