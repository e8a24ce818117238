import Foundation
import JSON
import Testing
import TestSupport

/// The browser engine through the real binary: JavaScript-built content the
/// HTTP engine cannot see, `js`, a screenshot, the connection closing after
/// the answer, and no Chromium left once crawld stops.
@Suite(.serialized) struct DaemonBrowserTests {
    /// The browsers of the crawld with `pid` (their profiles are named for it); other tests' crawlds run browsers too.
    private static func chromiumChildren(of pid: Int32) -> [Int32] {
        processes(containing: ["chromium", "/crawld-chromium/\(pid)-"])
    }

    @Test func javascriptPageThroughTheBrowserEngine() async throws {
        let site = try TemporaryDirectory()
        defer { site.remove() }
        try """
            <html><head><title>Shell</title></head><body><div id="app"></div>
            <script>document.getElementById('app').innerHTML = '<h1>Built by script</h1><a href="/next.html">next</a>';</script>
            </body></html>
            """.write(to: site.url.appendingPathComponent("app.html"), atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        try await withTestHTTPServer(root: site.path) { server in
            let url = JSONValue.string(server.url("/app.html"))
            let client = try await daemon.connect()
            let plain = try await client.request(["op": "crawl", "url": url, "formats": ["text", "links"]]).answer
            #expect(plain["engine"] == "http")
            #expect(plain["text"]?.stringValue?.contains("Built by script") == false)

            let rendered = try await client.request([
                "op": "crawl", "url": url, "engine": "browser", "formats": ["text", "links"],
                "js": "document.querySelectorAll('h1').length", "screenshot": true,
            ]).answer
            #expect(rendered["ok"] == true)
            #expect(rendered["engine"] == "browser")
            #expect(rendered["text"]?.stringValue?.contains("Built by script") == true)
            #expect(rendered["links"] == [.string(server.url("/next.html"))])
            #expect(rendered["js"] == 1)
            let png = Data(base64Encoded: rendered["screenshot"]?.stringValue ?? "") ?? Data()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            await client.close()
        }
        #expect(!Self.chromiumChildren(of: daemon.pid).isEmpty)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        _ = await pollUntil(seconds: 20) { Self.chromiumChildren(of: daemon.pid).isEmpty }
        #expect(Self.chromiumChildren(of: daemon.pid).isEmpty, "no chromium after crawld stops")
    }

    /// Issue 18 item 9: crawld exits only after every Chromium it started
    /// has exited and been reaped, including one still starting when SIGTERM
    /// came (the pool holds no engine for it yet) and wedged (it would not
    /// exit on pipe EOF either). Checked the moment crawld is gone, with no
    /// grace: whatever is left then is an orphan a supervisor would see.
    @Test func noBrowserOutlivesCrawld() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--drain-timeout", "1"])
        // Browsers are found by their profile; their renderers by process group.
        let ours = ["--user-data-dir=", "/crawld-chromium/\(daemon.pid)-"]
        try await withTestHTTPServer { server in
            let idle = try await daemon.connect()
            let done = try await idle.request(["op": "crawl", "url": .string(server.url("/slow-headers?ms=10")), "engine": "browser"]).answer
            #expect(done["ok"] == true)
            // A second browser (another signature) for a page that never answers.
            let busy = try await daemon.connect()
            try await busy.send([
                "op": "crawl", "url": .string(server.url("/slow-headers?ms=60000")), "engine": "browser",
                "config": ["viewport_width": 800], "timeout_ms": 60000,
            ])
            #expect(await pollUntil { processGroups(of: processes(containing: ours)).count >= 2 })
            let groups = processGroups(of: processes(containing: ours))
            // Stopped, the second browser never answers its start (nor exits when its
            // pipe closes, as a wedged browser would not): only crawld can end it.
            for group in groups { killpg(group, SIGSTOP) }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0)
            let left = processes(inGroups: groups)
            #expect(left.isEmpty, "processes of crawld \(daemon.pid)'s browsers alive after it exited: \(left)")
            for group in groups { killpg(group, SIGKILL) }
            await idle.close()
            await busy.close()
        }
        await daemon.stop()
    }

    /// Issue 20 item 8 through the real binary: a page that calls `alert`,
    /// `confirm` and `prompt` is answered with its DOM and its dialogs listed,
    /// and a fresh connection's `ping` answers meanwhile.
    @Test func dialogsAreDismissedAndListedInTheAnswer() async throws {
        let site = try TemporaryDirectory()
        defer { site.remove() }
        try """
            <html><body><p id="out"></p><script>alert('hello'); const c = confirm('sure?');
            document.getElementById('out').textContent = 'confirm said ' + c;</script></body></html>
            """.write(to: site.url.appendingPathComponent("dialogs.html"), atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        try await withTestHTTPServer(root: site.path) { server in
            let client = try await daemon.connect()
            try await client.send(["op": "crawl", "url": .string(server.url("/dialogs.html")), "engine": "browser", "formats": ["text"], "timeout_ms": 20000])
            let other = try await daemon.connect()
            let pong = try await other.request(["op": "ping"], timeout: .seconds(1)).answer
            #expect(pong["ok"] == true)
            let answer = try #require(try await client.readJSON()?.objectValue)
            #expect(answer["ok"] == true)
            #expect(answer["text"]?.stringValue?.contains("confirm said false") == true)
            #expect(answer["dialogs"] == [["type": "alert", "message": "hello"], ["type": "confirm", "message": "sure?"]])
            await client.close()
            await other.close()
        }
        await daemon.stop()
    }
}
