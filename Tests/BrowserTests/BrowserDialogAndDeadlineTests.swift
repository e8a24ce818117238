import Foundation
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    /// Issue 20 item 8: a page's dialogs and its deadline are that page's
    /// business; the browser and the other pages on it go on.
    @Suite
    struct BrowserDialogAndDeadlineTests {
        let server: PageServer

        init() async throws { server = try await PageServer() }

        @Test func dialogsAreDismissedAndListed() async throws {
            let result = try await withBrowser { engine in
                try await engine.render(url: server.url("/dialogs"), options: RenderOptions(timeout: .seconds(20)))
            }
            #expect(result.html.contains("confirm=false prompt=null"))
            #expect(
                result.dialogs == [
                    JavaScriptDialog(type: "alert", message: "hello"), JavaScriptDialog(type: "confirm", message: "sure?"),
                    JavaScriptDialog(type: "prompt", message: "name?"),
                ])
        }

        @Test func longDialogMessagesAreCut() {
            let dialog = JavaScriptDialog(type: "alert", message: String(repeating: "é", count: 2_000))
            #expect(dialog.message == String(repeating: "é", count: JavaScriptDialog.maxMessageLength) + "…")
        }

        @Test func aPagePastItsDeadlineLeavesTheOthersAlone() async throws {
            try await withBrowser { engine in
                let group = try #require(engine.processID)
                // Served after 6 s, rendered with 30 s to go: in flight when the loop hits its deadline.
                let innocent = Task { try await engine.render(url: server.url("/delay?ms=6000"), options: RenderOptions(timeout: .seconds(30))) }
                try await server.waitForRequest("/delay?ms=6000")
                let error = await #expect(throws: BrowserError.self) {
                    try await engine.render(url: server.url("/loop"), options: RenderOptions(timeout: .seconds(2)))
                }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("deadline") == true)
                let result = try await innocent.value
                #expect(result.html.contains("delayed"))
                #expect(await engine.isHealthy())
                #expect(engine.processID == group)
                let after = try await engine.render(url: server.url("/small"))
                #expect(after.html.contains("Small page"))
            }
        }

        /// A render whose renderer dies while it waits for the page's `load`
        /// fails at once with `crashed`, not at its deadline with `timeout`;
        /// the browser goes on.
        @Test func aRenderWhoseRendererCrashesFailsAsCrashed() async throws {
            // No spare page: the kill would end its renderer too, at a moment the test cannot choose.
            try await withBrowser(launch: BrowserLaunchConfiguration(profileRoot: testProfileRoot, spareIdleTimeout: nil)) { engine in
                let group = try #require(engine.processID)
                // Its image never answers, so the page never reaches load.
                let hangs = server.url("/to/img?u=/hang")
                let render = Task { try await engine.render(url: hangs, options: RenderOptions(timeout: .seconds(20))) }
                try await server.waitForRequest("/hang")
                for pid in processes(inGroups: [group], containing: "--type=renderer") { kill(pid, SIGKILL) }
                let error = await #expect(throws: BrowserError.self) { try await render.value }
                #expect(error?.code == .crashed, "\(String(describing: error))")
                #expect(error?.message.contains("renderer crashed") == true)
                #expect(await engine.isHealthy())
                let after = try await engine.render(url: server.url("/small"))
                #expect(after.html.contains("Small page"))
            }
        }
    }
}
