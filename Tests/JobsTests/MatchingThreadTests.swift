import JSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Jobs

/// What runs in place and what goes to the matching thread (`MatchingThread.run(cost:_:)`).
@Suite struct MatchingThreadTests {
    /// Whether work of `cost` ran on another thread than its caller's: the work of
    /// a run in place runs before the caller's thread does anything else.
    private static func runsElsewhere(_ matching: MatchingThread, cost: Int) async -> Bool {
        let caller = pthread_self()
        let worker = await matching.run(cost: cost) { pthread_self() }
        return pthread_equal(caller, worker) == 0
    }

    @Test func cheapWorkRunsInPlaceAndCostlyWorkOnTheMatchingThread() async {
        let matching = MatchingThread()
        #expect(await Self.runsElsewhere(matching, cost: 0) == false)
        #expect(await Self.runsElsewhere(matching, cost: MatchingThread.inlineCost) == false)
        #expect(await Self.runsElsewhere(matching, cost: MatchingThread.inlineCost + 1))
    }

    /// A site without robots.txt, or with a few short rules, is checked in place; a
    /// robots.txt of long wildcard rules (issue 18) still goes to the matching thread.
    @Test func robotsRulesCostWhatTheirPatternsAndThePathMake() throws {
        let url = try #require(CrawlURL("https://example.com/docs/page.html?x=1"))
        #expect(RobotsRules.allowAll.matchingCost(of: url) == 0)
        let few = RobotsRules(parsing: "User-agent: *\nDisallow: /private\nDisallow: /tmp/*.html\n", userAgent: "crawld")
        #expect(few.matchingCost(of: url) > 0)
        #expect(few.matchingCost(of: url) <= MatchingThread.inlineCost)
        let rule = "Disallow: /" + String(repeating: "a*", count: 500) + "\n"
        let hostile = RobotsRules(parsing: "User-agent: *\n" + String(repeating: rule, count: 1_000), userAgent: "crawld")
        #expect(hostile.matchingCost(of: url) > MatchingThread.inlineCost)
        let longURL = try #require(CrawlURL("https://example.com/" + String(repeating: "a", count: 8_000)))
        #expect(few.matchingCost(of: longURL) > few.matchingCost(of: url))
    }

    /// Links are cheap without patterns; a client's long include/exclude lists make them costly.
    @Test func admissionCostGrowsWithTheJobsPatterns() throws {
        let plain = try JobSpec(parameters: ["urls": [.string("https://example.com/")]])
        let batch = 8 * 80
        #expect(plain.admissionCost(ofBytes: batch) <= MatchingThread.inlineCost)
        let patterns = (0..<100).map { _ in JSONValue.string("https://example.com/" + String(repeating: "*x", count: 500)) }
        let heavy = try JobSpec(parameters: ["urls": [.string("https://example.com/")], "exclude": .array(patterns)])
        #expect(heavy.admissionCost(ofBytes: batch) > MatchingThread.inlineCost)
    }
}
