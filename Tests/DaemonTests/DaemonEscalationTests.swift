import Foundation
import JSON
import Testing
import TestSupport

/// policies.lua's optional `escalate(url, page)` through the real binary: a
/// page that is an empty JavaScript shell over HTTP comes back rendered by
/// the browser, though the request named no engine; a page with its content
/// stays on HTTP.
@Suite(.serialized) struct DaemonEscalationTests {
    private static let hook = """
        function M.escalate(url, page)
          return page.status == 200 and page.scripts > 0 and page.text_length < 200
        end
        return M

        """

    @Test func emptyJavaScriptShellIsRenderedByTheBrowser() async throws {
        let site = try TemporaryDirectory()
        defer { site.remove() }
        try """
        <html><head><title>Shell</title></head><body><div id="app"></div>
        <script>document.getElementById('app').innerHTML = '<h1>Built by script</h1>';</script></body></html>
        """.write(to: site.url.appendingPathComponent("app.html"), atomically: true, encoding: .utf8)
        try """
        <html><head><title>Article</title></head><body><h1>Article</h1><p>\(String(repeating: "Plain words. ", count: 40))</p>
        <script>var analytics = 1;</script></body></html>
        """.write(to: site.url.appendingPathComponent("article.html"), atomically: true, encoding: .utf8)
        let scripts = ScriptFolder(copying: ScriptFolder.shipped)
        scripts.write("policies.lua", scripts.read("policies.lua").replacingOccurrences(of: "return M\n", with: Self.hook))
        let daemon = try await DaemonProcess.start(arguments: ["--config", scripts.path, "--redis", "none"])
        try await withTestHTTPServer(root: site.path) { server in
            let client = try await daemon.connect()
            let shell = try await client.request(["op": "crawl", "url": .string(server.url("/app.html")), "formats": ["text"]]).answer
            #expect(shell["ok"] == true)
            #expect(shell["engine"] == "browser")
            #expect(shell["text"]?.stringValue?.contains("Built by script") == true)
            #expect(shell["title"] == "Shell")

            let article = try await client.request(["op": "crawl", "url": .string(server.url("/article.html")), "formats": ["text"]]).answer
            #expect(article["ok"] == true)
            #expect(article["engine"] == "http")
            #expect(article["text"]?.stringValue?.contains("Plain words.") == true)

            // A request that names its engine is never escalated.
            let pinned = try await client.request([
                "op": "crawl", "url": .string(server.url("/app.html")), "engine": "http", "formats": ["text"],
            ]).answer
            #expect(pinned["engine"] == "http")
            #expect(pinned["text"]?.stringValue?.contains("Built by script") == false)
            await client.close()
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
