import Foundation
import Logging
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    @Suite
    struct BrowserFailureTests {
        let server: PageServer

        init() async throws { server = try await PageServer() }

        @Test func killedBrowserFailsTheRequestAndANewEngineWorks() async throws {
            try await withBrowser { engine in
                let pid = try #require(engine.processID)
                // A deadline no busy test run reaches: the render must end by the kill, as `crashed`.
                let rendering = Task { try await engine.render(url: server.url("/hang"), options: RenderOptions(timeout: .seconds(600))) }
                try await server.waitForRequest("/hang")
                kill(pid, SIGKILL)
                let error = await #expect(throws: BrowserError.self) { _ = try await rendering.value }
                #expect(error?.code == .crashed)
                #expect(await engine.isHealthy() == false)
                let after = await #expect(throws: BrowserError.self) { try await engine.render(url: server.url("/small")) }
                #expect(after?.code == .crashed)
            }
            let result = try await withBrowser { try await $0.render(url: server.url("/small")) }
            #expect(result.html.contains("Small page"))
        }

        @Test func infiniteLoopTimesOutAndItsRendererGoes() async throws {
            // No spare page: the one renderer is the looping page's. After the
            // deadline the browser has 10 s to answer the watchdog's probe.
            let launch = BrowserLaunchConfiguration(profileRoot: testProfileRoot, heartbeatInterval: .seconds(10), spareIdleTimeout: nil)
            try await withBrowser(launch: launch) { engine in
                let group = try #require(engine.processID)
                let rendering = Task { try await engine.render(url: server.url("/loop"), options: RenderOptions(timeout: .seconds(8))) }
                try await server.waitForRequest("/loop")
                #expect(!renderers(of: group).isEmpty)
                let error = await #expect(throws: BrowserError.self) { _ = try await rendering.value }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("deadline") == true)
                #expect(await engine.isHealthy())
                // The looping page's renderer ended with its context; the browser lives on.
                #expect(await pollUntil(seconds: 60) { renderers(of: group).isEmpty })
                #expect(engine.processID == group)
            }
        }

        /// The live renderer processes of a browser's group (the spare page has one).
        private func renderers(of group: Int32) -> [Int32] {
            ProcFS.members(ofGroup: group).filter { pid in
                ProcFS.arguments(pid).contains(where: { $0.contains("--type=renderer") }) && ProcFS.stat(pid)?.isZombie == false
            }
        }

        @Test func hungBrowserIsKilledAfterMissedHeartbeats() async throws {
            // 3 s of missed beats: long enough for a start on a loaded machine, short enough for a test.
            let launch = BrowserLaunchConfiguration(profileRoot: testProfileRoot, heartbeatInterval: .milliseconds(500), maxMissedBeats: 6)
            try await withBrowser(launch: launch) { engine in
                let pid = try #require(engine.processID)
                // A stopped browser answers nothing: exactly a hung one.
                kill(pid, SIGSTOP)
                #expect(await pollUntil(seconds: 15) { await !engine.isHealthy() })
                let error = await #expect(throws: BrowserError.self) { try await engine.render(url: server.url("/small")) }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("heartbeats") == true)
            }
        }

        @Test func missingBinaryIsUnavailableWithAnInstallHint() async throws {
            let engine = BrowserEngine(
                launch: BrowserLaunchConfiguration(executable: "/nonexistent/chromium", profileRoot: testProfileRoot),
                logger: silentLogger
            )
            let error = await #expect(throws: BrowserError.self) { try await engine.start() }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("apt-get install chromium-headless-shell") == true)
            #expect(await engine.isHealthy() == false)
        }

        @Test func memoryIsThePSSOfTheWholeProcessGroup() async throws {
            try await withBrowser { engine in
                _ = try await engine.render(url: server.url("/small"))
                let group = try #require(engine.processID)
                let members = ProcFS.members(ofGroup: group)
                #expect(members.count > 1, "a browser runs more than one process")
                let bytes = await engine.memoryBytes()
                let leader = try #require(ProcFS.pssBytes(group))
                #expect(bytes > leader)
                #expect(bytes > 20 << 20 && bytes < 2 << 30)
            }
        }
    }
}
