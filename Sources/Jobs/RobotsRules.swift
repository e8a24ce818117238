/// The rules of one robots.txt for one crawler, as RFC 9309 defines them.
///
/// - Groups start with one or more `user-agent` lines; the groups naming our
///   product token (case-insensitive) are merged; if none does, the `*` groups
///   are merged; if there is none either, everything is allowed.
/// - `allow` / `disallow` values match the start of the path and query; `*`
///   matches any run of characters and a final `$` anchors at the end.
/// - The longest matching rule wins; on a tie `allow` wins; an empty
///   `disallow` matches nothing. `/robots.txt` itself is always allowed.
/// - `crawl-delay` (not in the RFC, widely used) is kept as a delay floor.
/// - Only the first 500 KiB are parsed (the RFC's minimum).
public struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        let allow: Bool
        let pattern: [UInt8]
        let anchored: Bool
    }

    private let rules: [Rule]
    /// The group's `crawl-delay`, in seconds.
    public let crawlDelay: Double?

    /// Everything allowed (a 4xx robots.txt, or `obey_robots: false`).
    public static let allowAll = RobotsRules(rules: [], crawlDelay: nil)
    /// Nothing allowed (robots.txt unreachable: 5xx or no answer).
    public static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: Array("/".utf8), anchored: false)], crawlDelay: nil)

    private init(rules: [Rule], crawlDelay: Double?) {
        self.rules = rules
        self.crawlDelay = crawlDelay
    }

    /// Parses `text` for the crawler whose product token is `userAgent` (e.g. `crawld`).
    public init(parsing text: String, userAgent: String) {
        let token = userAgent.lowercased()
        var groups: [(agents: [String], rules: [Rule], delay: Double?)] = []
        var lastWasAgent = false
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
                guard !groups.isEmpty, !value.isEmpty else { continue }
                var pattern = CrawlURL.normaliseEscapes(value)
                let anchored = pattern.hasSuffix("$")
                if anchored { pattern.removeLast() }
                groups[groups.count - 1].rules.append(Rule(allow: key == "allow", pattern: Array(pattern.utf8), anchored: anchored))
            case "crawl-delay":
                lastWasAgent = false
                guard !groups.isEmpty, let seconds = Double(value), seconds >= 0, seconds.isFinite else { continue }
                groups[groups.count - 1].delay = seconds
            default:
                continue
            }
        }
        var chosen = groups.filter { $0.agents.contains(token) }
        if chosen.isEmpty { chosen = groups.filter { $0.agents.contains("*") } }
        self.rules = chosen.flatMap(\.rules)
        self.crawlDelay = chosen.compactMap(\.delay).max()
    }

    /// Whether the crawler may fetch `url`.
    public func allows(_ url: CrawlURL) -> Bool {
        allows(path: url.pathAndQuery)
    }

    /// Whether the crawler may fetch a path (with its query), e.g. `/a/b?c=d`.
    public func allows(path: String) -> Bool {
        if path == "/robots.txt" { return true }
        let text = Array(path.utf8)
        var best: Rule?
        for rule in rules where Self.matches(rule, text) {
            guard let current = best else {
                best = rule
                continue
            }
            if rule.pattern.count > current.pattern.count || (rule.pattern.count == current.pattern.count && rule.allow) {
                best = rule
            }
        }
        return best?.allow ?? true
    }

    private static func matches(_ rule: Rule, _ text: [UInt8]) -> Bool {
        rule.anchored ? Wildcard.matches(rule.pattern, text) : Wildcard.matches(rule.pattern + [UInt8(ascii: "*")], text)
    }
}
