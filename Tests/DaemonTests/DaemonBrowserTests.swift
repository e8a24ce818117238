import Foundation
import JSON
import Testing
import TestSupport

/// The browser engine through the real binary: JavaScript-built content the
/// HTTP engine cannot see, `js`, a screenshot, the connection closing after
/// the answer, and no Chromium left once crawld stops.
@Suite(.serialized) struct DaemonBrowserTests {
    private static func chromiumChildren(of pid: Int32) -> [Int32] {
        processes(containing: ["chromium", "crawld-chromium"])
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
}
