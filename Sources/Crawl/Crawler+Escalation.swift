import Engines
import HTML
import Scripting

extension Crawler {
    /// What the escalation check made of an HTTP result: the browser to
    /// render the page with instead, or the document it parsed to decide
    /// (so that the page is not parsed twice).
    struct Escalation {
        var document: HTMLDocument?
        var browser: EngineSelection?
    }

    /// Asks `policies.escalate(url, page)` whether an HTTP page looks like an
    /// empty JavaScript shell that only a browser can fill.
    ///
    /// Asked only for HTML bodies of requests that did not name their engine,
    /// and only when policies.lua defines `escalate`: without it no fact is
    /// gathered and nothing is parsed here. The browser's configuration comes
    /// from `engine_for` asked again with `engine = "browser"`, so an
    /// escalated page gets the browser the site would get when asked for.
    func escalation(for request: CrawlRequest, url: String, fetched: FetchResult) async throws -> Escalation {
        let policies = scripts.policies
        guard policies.settings.escalates, BodyKind.classify(contentType: fetched.contentType, body: fetched.body) == .html else {
            return Escalation()
        }
        let document = try HTMLDocument(bytes: fetched.body, contentType: fetched.contentType, url: fetched.finalURL)
        var scriptCount = 0
        if case .number(let count)? = try? document.xpath("count(//script)") { scriptCount = Int(count) }
        let facts = EscalationFacts(
            status: fetched.status, contentType: fetched.contentType, bytes: fetched.byteCount, title: document.title,
            textLength: document.visibleText().count, scripts: scriptCount, links: document.links.count
        )
        guard await policies.escalate(url: url, page: facts) else { return Escalation(document: document) }
        var asBrowser = request
        asBrowser.engine = BrowserEngineConfiguration.kind
        let selection = try await select(for: asBrowser, url: url)
        guard case .browser = selection.engine else { return Escalation(document: document) }
        return Escalation(browser: selection)
    }
}
