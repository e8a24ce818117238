import Testing

@testable import Jobs

/// Cases from RFC 9309 (sections 2.2 and 5) and Google's documented examples.
@Suite struct RobotsRulesTests {
    /// `Sitemap:` lines belong to no group: all are kept, whichever group they sit in, up to the limit.
    @Test func sitemapLinesAreKeptOutsideGroups() {
        let text = """
            Sitemap: https://example.com/first.xml
            User-agent: other
            Disallow: /
            sitemap:https://example.com/second.xml.gz # a comment
            Sitemap:
            """ + (0..<200).map { "\nSitemap: https://example.com/s\($0).xml" }.joined()
        let rules = RobotsRules(parsing: text, userAgent: "crawld")
        #expect(rules.sitemaps.prefix(3) == ["https://example.com/first.xml", "https://example.com/second.xml.gz", "https://example.com/s0.xml"])
        #expect(rules.sitemaps.count == RobotsRules.maxSitemaps)
        #expect(rules.allows(path: "/anything"))
    }

    @Test func groupsMatchProductTokenCaseInsensitively() {
        let text = """
            User-Agent: *
            Disallow: /

            user-agent: CrawlD
            user-agent: other
            disallow: /private
            """
        let rules = RobotsRules(parsing: text, userAgent: "crawld")
        #expect(rules.allows(path: "/public"))
        #expect(!rules.allows(path: "/private/x"))
        let others = RobotsRules(parsing: text, userAgent: "somebot")
        #expect(!others.allows(path: "/public"))
    }

    @Test func groupsForOneAgentAreMerged() {
        let text = "user-agent: crawld\ndisallow: /a\n\nuser-agent: *\ndisallow: /c\n\nuser-agent: crawld\ndisallow: /b\n"
        let rules = RobotsRules(parsing: text, userAgent: "crawld")
        #expect(!rules.allows(path: "/a"))
        #expect(!rules.allows(path: "/b"))
        #expect(rules.allows(path: "/c"))
    }

    @Test func longestMatchWinsAndAllowWinsTies() {
        let rules = RobotsRules(parsing: "user-agent: *\nallow: /p\ndisallow: /\nallow: /folder/\ndisallow: /folder/private\ndisallow: /same\nallow: /same\n", userAgent: "crawld")
        #expect(rules.allows(path: "/page"))
        #expect(!rules.allows(path: "/other"))
        #expect(rules.allows(path: "/folder/x"))
        #expect(!rules.allows(path: "/folder/private/x"))
        #expect(rules.allows(path: "/same"))
    }

    @Test func wildcardsAndEndAnchor() {
        let rules = RobotsRules(parsing: "user-agent: *\ndisallow: /*.gif$\ndisallow: /fish*\nallow: /fish/ok$\ndisallow: /*?session=\n", userAgent: "crawld")
        #expect(!rules.allows(path: "/a/b.gif"))
        #expect(rules.allows(path: "/a/b.gif?x=1"))
        #expect(!rules.allows(path: "/fish"))
        #expect(!rules.allows(path: "/fishheads/x"))
        #expect(rules.allows(path: "/fish/ok"))
        #expect(!rules.allows(path: "/fish/ok/more"))
        #expect(!rules.allows(path: "/list?session=3"))
        #expect(rules.allows(path: "/Fish"))
    }

    @Test func emptyDisallowAndNoMatchingGroupAllowEverything() {
        #expect(RobotsRules(parsing: "user-agent: *\ndisallow:\n", userAgent: "crawld").allows(path: "/x"))
        #expect(RobotsRules(parsing: "user-agent: other\ndisallow: /\n", userAgent: "crawld").allows(path: "/x"))
        #expect(RobotsRules(parsing: "", userAgent: "crawld").allows(path: "/x"))
        #expect(RobotsRules(parsing: "disallow: /\n", userAgent: "crawld").allows(path: "/x"))
    }

    @Test func commentsCrawlDelayAndRobotsTxtItself() {
        let rules = RobotsRules(parsing: "# hi\nUser-agent: * # all\nCrawl-delay: 1.5\nDisallow: / # nothing\nSitemap: http://x/s.xml\n", userAgent: "crawld")
        #expect(rules.crawlDelay == .milliseconds(1500))
        #expect(!rules.allows(path: "/x"))
        #expect(rules.allows(path: "/robots.txt"))
    }

    /// `1e16` seconds once trapped converting to milliseconds and killed the daemon.
    @Test(
        arguments: [
            ("1e16", RobotsRules.crawlDelayCeiling), ("1e300", RobotsRules.crawlDelayCeiling), ("-5", nil), ("nan", nil),
            ("inf", nil), ("-inf", nil), ("soon", nil), ("0", .zero), ("2.5", .milliseconds(2500)),
        ] as [(String, Duration?)])
    func crawlDelayOfAnyNumberIsClampedOrIgnored(value: String, expected: Duration?) {
        let rules = RobotsRules(parsing: "User-agent: *\nCrawl-delay: \(value)\nDisallow: /x\n", userAgent: "crawld")
        #expect(rules.crawlDelay == expected)
    }

    @Test func percentEncodingIsNormalisedOnBothSides() throws {
        let rules = RobotsRules(parsing: "user-agent: *\ndisallow: /caf\u{e9}\ndisallow: /%7ejoe\n", userAgent: "crawld")
        #expect(!rules.allows(try #require(CrawlURL("http://h/caf%C3%A9/menu"))))
        #expect(!rules.allows(try #require(CrawlURL("http://h/~joe/x"))))
    }

    @Test func statusDecidesWhenThereIsNoBody() {
        #expect(RobotsCache.rules(from: .response(status: 404, body: ""), userAgent: "crawld") == .allowAll)
        #expect(RobotsCache.rules(from: .response(status: 503, body: ""), userAgent: "crawld") == .disallowAll)
        #expect(RobotsCache.rules(from: .unreachable, userAgent: "crawld") == .disallowAll)
        #expect(RobotsCache.isUnreachable(.response(status: 500, body: "")))
        #expect(!RobotsCache.isUnreachable(.response(status: 404, body: "")))
    }
}
