/// The rules of one robots.txt for one crawler, as RFC 9309 defines them.
///
/// - Groups start with one or more `user-agent` lines; the groups naming our
///   product token (case-insensitive) are merged; if none does, the `*` groups
///   are merged; if there is none either, everything is allowed.
/// - `allow` / `disallow` values match the start of the path and query; `*`
///   matches any run of characters and a final `$` anchors at the end.
/// - The longest matching rule wins; on a tie `allow` wins; an empty
///   `disallow` matches nothing. `/robots.txt` itself is always allowed.
/// - `crawl-delay` (not in the RFC, widely used) is kept as a delay floor:
///   a finite number of seconds ≥ 0, at most `crawlDelayCeiling`; any other
///   value (`-5`, `nan`, `inf`, text) is ignored. The job then honours it up to
///   the operator's `--max-crawl-delay`.
/// - Only the first 500 KiB are parsed (the RFC's minimum), at most
///   `maxRules` allow/disallow lines are kept and a rule longer than
///   `maxRuleBytes` is ignored: a site chooses these rules, and each one is
///   compiled (`WildcardPattern`) and matched against every page of its origin.
/// - `sitemap` lines (sitemaps.org) belong to no group: every one, up to
///   `maxSitemaps`, is kept whichever agent the groups name, for jobs with `sitemaps`.
public struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        let allow: Bool
        /// The pattern's length in bytes, which decides between matching rules.
        let length: Int
        let matcher: WildcardPattern

        init(allow: Bool, pattern: String, anchored: Bool) {
            self.allow = allow
            self.length = pattern.utf8.count
            self.matcher = WildcardPattern(pattern.utf8, prefix: !anchored)
        }
    }

    /// allow/disallow lines kept from one robots.txt; later ones are ignored.
    public static let maxRules = 1_000
    /// Bytes in one rule, at most; a longer rule is ignored (no real path needs it).
    public static let maxRuleBytes = 1_024
    /// `sitemap` lines kept from one robots.txt; later ones are ignored.
    public static let maxSitemaps = 100

    /// Longest first, `allow` before `disallow` of the same length.
    private let rules: [Rule]
    /// What checking one path byte against every rule costs, in machine words.
    private let wordsPerPathByte: Int
    /// The group's `crawl-delay`, at most `crawlDelayCeiling`.
    public let crawlDelay: Duration?
    /// The `sitemap` lines' URLs, as written, in order.
    public private(set) var sitemaps: [String] = []
    /// The longest crawl-delay kept from a robots.txt (a day): any number a site
    /// writes becomes a `Duration` without overflow, whatever the operator's limit.
    public static let crawlDelayCeiling: Duration = .seconds(86_400)

    /// Everything allowed (a 4xx robots.txt, or `obey_robots: false`).
    public static let allowAll = RobotsRules(rules: [], crawlDelay: nil)
    /// Nothing allowed (robots.txt unreachable: 5xx or no answer).
    public static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: "/", anchored: false)], crawlDelay: nil)

    private init(rules: [Rule], crawlDelay: Duration?) {
        self.rules = rules
        self.wordsPerPathByte = Self.wordsPerPathByte(rules)
        self.crawlDelay = crawlDelay
    }

    /// Parses `text` for the crawler whose product token is `userAgent` (e.g. `crawld`).
    public init(parsing text: String, userAgent: String) {
        let token = userAgent.lowercased()
        var groups: [(agents: [String], rules: [Rule], delay: Duration?)] = []
        var lastWasAgent = false
        var ruleCount = 0
        var sitemaps: [String] = []
        for rawLine in text.utf8.prefix(500 * 1024).split(whereSeparator: { $0 == 10 || $0 == 13 }) {
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace().lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "user-agent":
                if !lastWasAgent || groups.isEmpty { groups.append(([], [], nil)) }
                let agent = value.split(whereSeparator: { $0 == "/" || $0 == " " }).first.map { $0.lowercased() } ?? ""
                groups[groups.count - 1].agents.append(agent)
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                guard !groups.isEmpty, !value.isEmpty, ruleCount < Self.maxRules else { continue }
                var pattern = CrawlURL.normaliseEscapes(value)
                guard pattern.utf8.count <= Self.maxRuleBytes else { continue }
                let anchored = pattern.hasSuffix("$")
                if anchored { pattern.removeLast() }
                groups[groups.count - 1].rules.append(Rule(allow: key == "allow", pattern: pattern, anchored: anchored))
                ruleCount += 1
            case "sitemap":
                guard !value.isEmpty, value.utf8.count <= CrawlURL.maxBytes, sitemaps.count < Self.maxSitemaps else { continue }
                sitemaps.append(String(value))
            case "crawl-delay":
                lastWasAgent = false
                guard !groups.isEmpty, let delay = Self.crawlDelay(value) else { continue }
                groups[groups.count - 1].delay = delay
            default:
                continue
            }
        }
        var chosen = groups.filter { $0.agents.contains(token) }
        if chosen.isEmpty { chosen = groups.filter { $0.agents.contains("*") } }
        // Longest first, `allow` first on a tie: the first rule that matches decides.
        self.rules = chosen.flatMap(\.rules).sorted { ($0.length, $0.allow ? 1 : 0) > ($1.length, $1.allow ? 1 : 0) }
        self.wordsPerPathByte = Self.wordsPerPathByte(rules)
        self.crawlDelay = chosen.compactMap(\.delay).max()
        self.sitemaps = sitemaps
    }

    /// A `crawl-delay` value as a duration: nil unless a finite number ≥ 0; clamped to `crawlDelayCeiling`.
    static func crawlDelay(_ value: Substring) -> Duration? {
        guard let seconds = Double(value), seconds.isFinite, seconds >= 0 else { return nil }
        let ceiling = Double(crawlDelayCeiling.components.seconds)
        return .milliseconds(Int64((min(seconds, ceiling) * 1000).rounded()))
    }

    private static func wordsPerPathByte(_ rules: [Rule]) -> Int {
        rules.reduce(0) { $0 + $1.matcher.wordsPerByte }
    }

    /// The most `allows(url)` can cost, in `MatchingThread` units: every rule over the whole path.
    public func matchingCost(of url: CrawlURL) -> Int {
        url.pathAndQuery.utf8.count * wordsPerPathByte
    }

    /// Whether the crawler may fetch `url`.
    public func allows(_ url: CrawlURL) -> Bool {
        allows(path: url.pathAndQuery)
    }

    /// Whether the crawler may fetch a path (with its query), e.g. `/a/b?c=d`.
    public func allows(path: String) -> Bool {
        if path == "/robots.txt" { return true }
        return rules.first { $0.matcher.matches(path) }?.allow ?? true
    }
}
