import Foundation
import JSON
import Testing
import TestSupport

/// What an operator does: edit policies.lua, send SIGHUP, and see the change;
/// break it, and see the old policies keep running and the reason.
@Suite struct DaemonReloadTests {
    private func waitForLog(_ daemon: DaemonProcess, containing text: String, occurrences: Int = 1) async throws {
        guard await pollUntil(seconds: 30, { daemon.logText.components(separatedBy: text).count - 1 >= occurrences }) else {
            throw LineClientError(message: "no '\(text)' in the log:\n\(daemon.logText)")
        }
    }

    @Test func sighupAppliesAnEditAndKeepsTheOldScriptsWhenBroken() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        let daemon = try await DaemonProcess.start(arguments: ["--config", folder.path, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            let client = try await daemon.connect()
            let crawl: JSONValue = ["id": "c", "op": "crawl", "url": .string(server.url("/status/200"))]
            let before = try await client.request(crawl).answer
            let originalSignature = try #require(before["pool"]?.objectValue?["sig"]?.stringValue)
            #expect(before["pool"]?.objectValue?["tier"] == "permanent")

            let original = folder.read("policies.lua")
            let edited = original.replacingOccurrences(of: "local config = request.config or {}", with: "local config = request.config or { user_agent = \"edited/1\" }")
            #expect(edited != original)
            folder.write("policies.lua", edited)
            daemon.signal(SIGHUP)
            try await waitForLog(daemon, containing: "scripts reloaded")

            let after = try await client.request(crawl).answer
            let editedSignature = try #require(after["pool"]?.objectValue?["sig"]?.stringValue)
            #expect(editedSignature != originalSignature)
            #expect(after["pool"]?.objectValue?["tier"] == "permanent")

            folder.write("policies.lua", edited + "\nthis is not lua\n")
            daemon.signal(SIGHUP)
            try await waitForLog(daemon, containing: "reload refused")
            let refused = try await client.request(["id": "r", "op": "reload"]).answer
            #expect(refused["ok"] == false)
            #expect(refused["error"]?.objectValue?["code"] == "script_error")
            #expect(refused["error"]?.objectValue?["message"]?.stringValue?.contains("policies.lua") == true)

            let still = try await client.request(crawl).answer
            #expect(still["pool"]?.objectValue?["sig"]?.stringValue == editedSignature)
            await client.close()
        }
    }

    @Test func brokenScriptsAtStartExitTwo() async throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("policies.lua", "return {")
        let outcome = try ChildProcess.run(DaemonProcess.binary, ["--config", folder.path, "--redis", "none", "--listen", "127.0.0.1:0"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("policies.lua"))
    }

    /// The page is held by the server until the drain has begun, so the crawl is
    /// in flight when SIGTERM comes however slowly a busy machine runs the test.
    @Test func sigtermLetsACrawlInFlightFinish() async throws {
        let site = try JobSiteServer(pages: 1, holdAfter: 0)
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        try await client.send(["id": "held", "op": "crawl", "url": .string("\(site.base)/p/0.html")])
        let observer = try await daemon.connect()
        try #require(
            try await pollUntil {
                let active = try await observer.request(["op": "monitor.requests"]).answer["active"]?.arrayValue ?? []
                return active.contains { $0.objectValue?["op"] == "crawl" }
            })
        await observer.close()
        daemon.signal(SIGTERM)
        try await waitForLog(daemon, containing: "draining")
        try await site.release()
        let answer = try #require(try await client.readJSON()?.objectValue)
        #expect(answer["id"] == "held")
        #expect(answer["ok"] == true)
        #expect(answer["status"] == 200)
        #expect(await daemon.waitForExit() == 0)
        await client.close()
    }
}
