import Foundation
import JSON
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    /// Browser sessions (issue 25, "keep renderer processes warm"): renders
    /// of one session share a context and reuse its pages; renders of another
    /// session, or of none, share nothing with them.
    @Suite
    struct BrowserSessionTests {
        /// Sets a cookie and the window's name, which lives as long as the tab
        /// does: the next render of the same page sees the name only in the same tab.
        private static let mark = RenderOptions(script: "document.cookie = 'visit=1; path=/'; window.name = 'kept'; true", timeout: .seconds(20))

        /// Nothing idles out on its own, and no page misses its freeze, under a
        /// busy test run: the tests that check idling say their own timeouts
        /// (or make the time up).
        private static let patient = BrowserLaunchConfiguration(
            profileRoot: testProfileRoot, sessionIdleTimeout: .seconds(3600), keptPageIdleTimeout: .seconds(3600),
            keptPageFreezeDeadline: .seconds(600)
        )

        /// The session `name` of `owner`; the tests' sessions have one owner unless they say.
        private static func key(_ name: String, of owner: String = "client") -> BrowserSessionKey {
            BrowserSessionKey(owner: owner, name: name)
        }

        /// What a page sees of an earlier render: its cookies and the tab's name.
        private static func seen(_ session: String?, of owner: String = "client") -> RenderOptions {
            RenderOptions(script: "[document.cookie, window.name]", timeout: .seconds(20), session: session.map { key($0, of: owner) })
        }

        private static func marked(_ session: String, of owner: String = "client") -> RenderOptions {
            var options = mark
            options.session = key(session, of: owner)
            return options
        }

        /// The idle pages of the browser's sessions by name (names the test made unique).
        private static func kept(_ engine: BrowserEngine) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: engine.keptSessions.map { ($0.key.name, $0.value) })
        }

        /// The live renderer processes of a browser's group.
        private static func rendererPIDs(of engine: BrowserEngine) -> [Int32] {
            guard let group = engine.processID else { return [] }
            return processes(inGroups: [group], containing: "--type=renderer")
        }

        private static func renderers(of engine: BrowserEngine) -> Int { rendererPIDs(of: engine).count }

        @Test func aSessionSharesItsContextAndKeepsItsPage() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("a"))
                let same = try await engine.render(url: server.url("/small"), options: Self.seen("a"))
                #expect(same.scriptResult == ["visit=1", "kept"], "the session's next render ran in another tab or context")
                let other = try await engine.render(url: server.url("/small"), options: Self.seen("b"))
                #expect(other.scriptResult == ["", ""], "another session saw the first one's cookie or tab")
                let none = try await engine.render(url: server.url("/small"), options: Self.seen(nil))
                #expect(none.scriptResult == ["", ""], "a render without a session saw a session's cookie or tab")
                #expect(Self.kept(engine) == ["a": 1, "b": 1])
            }
        }

        /// Renders of one session in flight together each get a page of the
        /// session's context, and the session keeps them all.
        @Test func concurrentRendersOfASessionEachGetAPageOfItsContext() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("a"))
                let results = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            try await engine.render(url: server.url("/delay?ms=3000"), options: RenderOptions(script: "document.cookie", timeout: .seconds(20), session: Self.key("a")))
                                .scriptResult
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results == ["visit=1", "visit=1", "visit=1"])
                #expect(Self.kept(engine) == ["a": 3])
            }
        }

        /// Renders that start a session together, before any of them made it,
        /// all end up in it: one's context becomes the session's, the others join it.
        @Test func rendersStartingASessionTogetherAllJoinIt() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask { _ = try await engine.render(url: server.url("/delay?ms=3000"), options: Self.marked("new")) }
                    }
                    try await group.waitForAll()
                }
                #expect(Self.kept(engine) == ["new": 3], "a render that started the session with others was not kept in it")
                let after = try await engine.render(url: server.url("/small"), options: Self.seen("new"))
                #expect(after.scriptResult == ["visit=1", "kept"])
            }
        }

        /// Clock ticks of CPU (user and system) the browser's renderers have used.
        private static func rendererTicks(of engine: BrowserEngine) -> Int { cpuTicks(of: rendererPIDs(of: engine)) }

        /// A kept page is frozen between renders: a page that starts spinning
        /// after its render spends no CPU while it waits, and the session's
        /// next render on it is not wedged by it, even when that render's page
        /// is slow to answer (a page made active before its navigation committed
        /// ran the due timer within a second and held the renderer until the deadline).
        @Test func aKeptPageRunsNothingBetweenRenders() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                let spin = RenderOptions(script: "window.name = 'kept'; setTimeout(() => { while (true) {} }, 300); true", timeout: .seconds(20), session: Self.key("a"))
                _ = try await engine.render(url: server.url("/small"), options: spin)
                try await Task.sleep(for: .milliseconds(800))
                let before = Self.rendererTicks(of: engine)
                try await Task.sleep(for: .seconds(1))
                let spent = Self.rendererTicks(of: engine) - before
                #expect(spent < 30, "the renderers spent \(spent) ticks in a second while no render ran")
                let next = try await engine.render(url: server.url("/delay?ms=2000"), options: Self.seen("a"))
                #expect(next.html.contains("delayed"))
                #expect(next.scriptResult == ["", "kept"], "the render did not run in the session's kept page")
                #expect(await engine.isHealthy())
            }
        }

        /// However many sessions a client starts, the browser keeps at most
        /// `maxKeptPages` idle pages, each a renderer, in all of them together.
        @Test func idlePagesAreBoundedAcrossSessions() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                let sessions = BrowserEngine.maxKeptPages + 3
                for index in 0..<sessions {
                    _ = try await engine.render(url: server.url("/small"), options: Self.marked("s\(index)", of: "client \(index % 3)"))
                }
                let kept = Self.kept(engine)
                #expect(kept.count == sessions)
                #expect(kept.values.reduce(0, +) == BrowserEngine.maxKeptPages, "\(kept)")
            }
        }

        /// One client (an address, a job) keeps at most `maxSessionsPerClient`
        /// sessions, whatever its connections: its renders past them go
        /// without one, and another client still starts its own.
        @Test func oneClientCannotTakeEverySession() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                for index in 0..<BrowserEngine.maxSessionsPerClient {
                    var options = Self.mark
                    options.session = BrowserSessionKey(owner: "connection \(index)", name: "s", client: "greedy")
                    _ = try await engine.render(url: server.url("/small"), options: options)
                }
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("one more", of: "greedy"))
                let past = try await engine.render(url: server.url("/small"), options: Self.seen("one more", of: "greedy"))
                #expect(past.scriptResult == ["", ""], "a session past the client's bound was kept")
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("mine", of: "other"))
                let other = try await engine.render(url: server.url("/small"), options: Self.seen("mine", of: "other"))
                // Its tab may or may not be kept (the greedy sessions' idle pages may fill the browser's bound): its cookie is.
                #expect(other.scriptResult?.arrayValue?.first == "visit=1", "another client got no session")
                let clients = engine.keptSessions.keys.map(\.client)
                #expect(clients.count { $0 == "greedy" } == BrowserEngine.maxSessionsPerClient)
                #expect(clients.count { $0 == "other" } == 1)
            }
        }

        /// A render that passes its deadline loses its page, whose renderer
        /// ends even in `while(true){}`; the session and its cookies go on.
        @Test func aRenderPastItsDeadlineLosesItsPageNotTheSession() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            // Nothing idles out under a busy test run; after the deadline the browser has 10 s to answer the watchdog's probe.
            let launch = BrowserLaunchConfiguration(
                profileRoot: testProfileRoot, heartbeatInterval: .seconds(10), spareIdleTimeout: nil, sessionIdleTimeout: .seconds(3600),
                keptPageIdleTimeout: .seconds(3600), keptPageFreezeDeadline: .seconds(600)
            )
            try await withBrowser(launch: launch) { engine in
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("a"))
                #expect(Self.kept(engine) == ["a": 1])
                await #expect(throws: BrowserError.self) {
                    try await engine.render(url: server.url("/small"), options: RenderOptions(script: "while (true) {}", timeout: .seconds(2), session: Self.key("a")))
                }
                #expect(Self.kept(engine) == ["a": 0])
                #expect(await pollUntil(seconds: 60) { Self.renderers(of: engine) == 0 }, "the hung page's renderer is still running")
                let after = try await engine.render(url: server.url("/small"), options: Self.seen("a"))
                #expect(after.scriptResult == ["visit=1", ""], "the session lost its cookie, or kept the hung tab")
                #expect(await engine.isHealthy())
            }
        }

        /// A kept page whose renderer died while it waited (killed, say, by
        /// the kernel's OOM killer) is dropped, and the session's next render
        /// gets a new page in its context, with its cookies. Before, that
        /// render navigated the dead page: it failed (`ERR_ABORTED`) or hung to its deadline.
        @Test func aKeptPageWhoseRendererDiedRendersAgain() async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: Self.patient) { engine in
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("a"))
                #expect(Self.kept(engine) == ["a": 1])
                let killed = Self.rendererPIDs(of: engine)
                #expect(!killed.isEmpty)
                for pid in killed { kill(pid, SIGKILL) }
                #expect(await pollUntil(seconds: 20) { Self.kept(engine) == ["a": 0] }, "the dead renderer's page was kept")
                let after = try await engine.render(url: server.url("/small"), options: Self.seen("a"))
                #expect(after.html.contains("Small page"))
                #expect(after.scriptResult == ["visit=1", ""], "the session lost its cookie")
                #expect(await engine.isHealthy())
            }
        }

        /// A browser launched with `launch`, after one render of session "a"
        /// that set its cookie and its tab's name.
        private func afterOneMarkedRender(
            _ launch: BrowserLaunchConfiguration, _ body: (BrowserEngine, PageServer) async throws -> Void
        ) async throws {
            let server = try await PageServer()
            defer { server.stop() }
            try await withBrowser(launch: launch) { engine in
                _ = try await engine.render(url: server.url("/small"), options: Self.marked("a"))
                try await body(engine, server)
            }
        }

        /// A kept page unused for a while is closed, its renderer with it; the
        /// session's context, and its cookies, stay for its next render. On
        /// real time, through the watchdog's tick. The page idles for 5 s, so
        /// a busy test run still sees it kept first; the browser may miss many beats.
        @Test func anIdleKeptPageIsClosedAndTheSessionGoesOn() async throws {
            let launch = BrowserLaunchConfiguration(
                profileRoot: testProfileRoot, heartbeatInterval: .milliseconds(200), maxMissedBeats: 300, spareIdleTimeout: nil,
                keptPageIdleTimeout: .seconds(5), keptPageFreezeDeadline: .seconds(600)
            )
            try await afterOneMarkedRender(launch) { engine, server in
                #expect(Self.kept(engine) == ["a": 1])
                #expect(await pollUntil(seconds: 60) { Self.kept(engine) == ["a": 0] }, "the idle page was not closed")
                #expect(await pollUntil(seconds: 60) { Self.renderers(of: engine) == 0 }, "the closed page's renderer is still running")
                let again = try await engine.render(url: server.url("/small"), options: Self.seen("a"))
                #expect(again.scriptResult == ["visit=1", ""], "the session lost its cookie, or its page was not closed")
            }
        }

        /// A session ends once idle: its context goes, with its pages and
        /// renderers. The idle time is made up (`dropIdleSessions(now:)` an
        /// hour ahead), so the session is surely there before.
        @Test func anIdleSessionEnds() async throws {
            let launch = BrowserLaunchConfiguration(
                profileRoot: testProfileRoot, spareIdleTimeout: nil, sessionIdleTimeout: .seconds(1800), keptPageIdleTimeout: .seconds(3600),
                keptPageFreezeDeadline: .seconds(600)
            )
            try await afterOneMarkedRender(launch) { engine, server in
                #expect(Self.kept(engine) == ["a": 1])
                #expect(Self.renderers(of: engine) == 1, "the session's page keeps its renderer")
                engine.dropIdleSessions(now: .now + .seconds(1900))
                #expect(Self.kept(engine).isEmpty, "the idle session was not ended")
                #expect(await pollUntil(seconds: 60) { Self.renderers(of: engine) == 0 }, "the ended session's renderer is still running")
                let again = try await engine.render(url: server.url("/small"), options: Self.seen("a"))
                #expect(again.scriptResult == ["", ""], "a session started again saw the ended one's cookie or tab")
            }
        }
    }
}
