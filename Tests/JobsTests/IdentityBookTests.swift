import JSON
import Scripting
import Testing

@testable import Jobs

/// Which identity a job's request goes as, and what a block does (issue 24).
@Suite struct IdentityBookTests {
    let throttle = HostThrottle(policy: { _, _ in Politeness(delay: .zero, maxConcurrency: 1) }, maxPause: .zero)

    private func book(choose: @escaping @Sendable (String, JSONObject) async -> String? = { _, _ in nil }) -> IdentityBook {
        let identities = [
            "a": CrawlIdentity(name: "a", config: ["proxy": "pa"], cookieJar: "a"),
            "b": CrawlIdentity(name: "b", config: ["user_agent": "B"], cookieJar: "b"),
        ]
        return IdentityBook(policy: IdentityPolicy(identities: { identities }, choose: choose, blocked: { _ in nil }))
    }

    @Test func aBlockRetiresTheIdentityForThatHostOnly() async throws {
        let book = book()
        #expect(await book.pick(host: "h", origin: "http://h", throttle: throttle).identity?.name == "a")
        await book.block("a", host: "h")
        #expect(await book.pick(host: "h", origin: "http://h", throttle: throttle).identity?.name == "b")
        #expect(await book.pick(host: "other", origin: "http://other", throttle: throttle).identity?.name == "a")
        await book.block("b", host: "h")
        #expect(await book.pick(host: "h", origin: "http://h", throttle: throttle) == .allBlocked)
        let rows = await book.rows().compactMap(\.objectValue)
        #expect(rows.map { $0["name"] } == ["a", "b"])
        #expect(rows[0]["uses"] == 2 && rows[0]["blocks"] == 1 && rows[0]["blocked_hosts"] == 1 && rows[0]["proxy"] == "pa")
        #expect(rows[1]["uses"] == 1 && rows[1]["blocks"] == 1 && rows[1]["proxy"] == nil)
    }

    /// `identity_for` sees the names still available and is obeyed among
    /// them; an answer outside them falls back to the first available.
    @Test func identityForChoosesAmongTheAvailable() async throws {
        let book = book { _, stats in stats["identities"]?.arrayValue?.last?.stringValue == "b" ? "b" : "a" }
        #expect(await book.pick(host: "h", origin: "http://h", throttle: throttle).identity?.name == "b")
        await book.block("b", host: "h")
        #expect(await book.pick(host: "h", origin: "http://h", throttle: throttle).identity?.name == "a")
        #expect(await IdentityBook(policy: .none).pick(host: "h", origin: "http://h", throttle: throttle) == .noneDeclared)
    }

    @Test func aForbiddenPageIsABlockUnlessBlockedSaysOtherwise() async throws {
        let identity = CrawlIdentity(name: "a", config: [:], cookieJar: "a")
        #expect(await book().isBlock(PageOutcome(status: 403), url: "http://h/", identity: identity))
        #expect(await !book().isBlock(PageOutcome(status: 200), url: "http://h/", identity: identity))
        let titled = IdentityBook(policy: IdentityPolicy(identities: { [:] }, choose: { _, _ in nil }, blocked: { page in page["title"] == "Captcha" }))
        #expect(await titled.isBlock(PageOutcome(status: 200, title: "Captcha"), url: "http://h/", identity: identity))
        #expect(await !titled.isBlock(PageOutcome(status: 403, title: "Gone"), url: "http://h/", identity: identity))
    }
}
