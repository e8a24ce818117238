import Foundation
import JSON
import Testing
import TestSupport

/// The dashboard in a real chromium-headless-shell against a running crawld:
/// it loads with no console error, shows what `monitor.*` returns, its kill
/// button closes an engine, its timelines draw points, it asks for the token
/// when one is set, and it fits a phone's width. Serialized: one browser at a time.
@Suite(.serialized) struct DaemonDashboardTests {
    private func start(_ extra: [String] = []) async throws -> (DaemonProcess, String) {
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--http", "127.0.0.1:0"] + extra)
        return (daemon, try await daemon.httpBase())
    }

    private func text(_ browser: DashboardBrowser, _ selector: String) async throws -> String {
        try await browser.evaluate("document.querySelector('\(selector)')?.textContent ?? ''").stringValue ?? ""
    }

    @Test func panelsShowWhatTheMonitorOpsReturnAfterACrawl() async throws {
        let (daemon, base) = try await start()
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            try await daemon.withClient { client in
                let url = server.url("/headers")
                let crawl = try await client.request(["op": "crawl", "url": .string(url), "config": ["headers": ["x-panel": "1"]]]).answer
                let sig = try #require(crawl["pool"]?.objectValue?["sig"]?.stringValue)
                let browser = try await DashboardBrowser.open(base + "/dashboard")
                defer { browser.close() }
                #expect(try await browser.waitUntil("document.querySelectorAll('#completed tbody tr').length >= 1"))

                let health = try await client.request(["op": "monitor.health"]).answer
                #expect(try await text(browser, "#instance").hasPrefix(try #require(health["instance"]?.stringValue)))
                let hot = try #require(health["pool"]?.objectValue?["hot"]?.objectValue?["engines"]?.intValue)
                #expect(try await text(browser, "[data-tier=hot] .value") == "\(hot) engine\(hot == 1 ? "" : "s")")

                let pool = try await client.request(["op": "monitor.pool"]).answer
                let poolSignatures = Set(pool["engines"]?.arrayValue?.compactMap { $0.objectValue?["sig"]?.stringValue } ?? [])
                let shown = try await browser.evaluate("[...document.querySelectorAll('#engines tbody tr')].map(r => r.dataset.sig)")
                #expect(Set(shown.arrayValue?.compactMap(\.stringValue) ?? []) == poolSignatures)
                #expect(poolSignatures.contains(sig))

                // The newest row may be one of this test's own monitor requests; the crawl's row shows its URL.
                let crawlRow = try await browser.evaluate(
                    "[...document.querySelectorAll('#completed tbody tr')].find(r => r.cells[0].textContent === 'crawl')?.cells[1].textContent")
                #expect(crawlRow.stringValue == url)
                let endpoints = try await client.request(["op": "monitor.endpoints"]).answer
                let crawls = try #require(endpoints["ops"]?.objectValue?["crawl"]?.objectValue?["count"]?.intValue)
                let row = try await browser.evaluate("[...document.querySelectorAll('#endpoints tbody tr')].find(r => r.cells[0].textContent === 'crawl')?.cells[1].textContent")
                #expect(row.stringValue == "\(crawls)")

                // monitor.timeline keeps a point every 5 s; the page draws one circle per point.
                #expect(try await browser.waitUntil("document.querySelectorAll('#chart-memory circle').length >= 2"))
                let points = try await client.request(["op": "monitor.timeline", "metric": "memory"]).answer["values"]?.arrayValue?.count ?? 0
                #expect(points >= 2)
                if let path = ProcessInfo.processInfo.environment["CRAWLD_DASHBOARD_SCREENSHOT"] {
                    try await browser.screenshot().write(to: URL(fileURLWithPath: path))
                }
                #expect(browser.errors.isEmpty, "\(browser.errors)")
            }
        }
    }

    @Test func anEnginesKillButtonRemovesItFromMonitorPool() async throws {
        let (daemon, base) = try await start()
        defer { Task { await daemon.stop() } }
        try await withTestHTTPServer { server in
            try await daemon.withClient { client in
                let crawl = try await client.request(["op": "crawl", "url": .string(server.url("/headers")), "config": ["headers": ["x-kill": "1"]]]).answer
                let sig = try #require(crawl["pool"]?.objectValue?["sig"]?.stringValue)
                func signatures() async throws -> [String] {
                    try await client.request(["op": "monitor.pool"]).answer["engines"]?.arrayValue?.compactMap { $0.objectValue?["sig"]?.stringValue } ?? []
                }
                #expect(try await signatures().contains(sig))
                let browser = try await DashboardBrowser.open(base + "/dashboard")
                defer { browser.close() }
                _ = try await browser.evaluate("document.querySelector('[data-tab=engines]').click()")
                let button = "document.querySelector('#engines tr[data-sig=\"\(sig)\"] button.danger')"
                #expect(try await browser.waitUntil("\(button) !== null"))
                _ = try await browser.evaluate("\(button).click()")
                #expect(try await pollUntil { try await !signatures().contains(sig) })
                #expect(try await browser.waitUntil("document.querySelector('#engines tr[data-sig=\"\(sig)\"]') === null"))
                #expect(try await text(browser, "#action-result") == "kill: done")
                #expect(browser.errors.isEmpty, "\(browser.errors)")
            }
        }
    }

    @Test func withATokenTheUnauthenticatedPageAsksForItAndShowsNoData() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let tokenFile = try folder.write("token", "dashboard-token\n")
        let (daemon, base) = try await start(["--token-file", tokenFile])
        defer { Task { await daemon.stop() } }
        let browser = try await DashboardBrowser.open(base + "/dashboard")
        defer { browser.close() }
        #expect(try await browser.waitUntil("!document.getElementById('token-form').hidden"))
        #expect(try await browser.evaluate("document.getElementById('data').hidden") == true)
        #expect(try await text(browser, "#cpu").isEmpty)
        #expect(try await text(browser, "#instance").isEmpty)

        _ = try await browser.evaluate("document.getElementById('token').value = 'dashboard-token'; document.getElementById('token-form').requestSubmit()")
        #expect(try await browser.waitUntil("!document.getElementById('data').hidden && document.getElementById('cpu').textContent !== ''"))
        #expect(try await browser.evaluate("sessionStorage.getItem('crawld.token')") == "dashboard-token")
        #expect(try await browser.evaluate("document.cookie") == "")
        #expect(browser.errors.isEmpty, "\(browser.errors)")
    }

    @Test func thePageFitsAPhonesWidth() async throws {
        let (daemon, base) = try await start()
        defer { Task { await daemon.stop() } }
        let browser = try await DashboardBrowser.open(base + "/dashboard", width: 390, height: 844)
        defer { browser.close() }
        #expect(try await browser.waitUntil("document.getElementById('cpu').textContent !== ''"))
        let overflow = try await browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        #expect(overflow.intValue == 0, "the page is \(overflow) px wider than the window")
        #expect(browser.errors.isEmpty, "\(browser.errors)")
    }
}
