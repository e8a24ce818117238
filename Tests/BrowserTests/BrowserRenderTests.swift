import Foundation
import JSON
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    @Suite
    struct BrowserRenderTests {
        let server: PageServer

        init() async throws { server = try await PageServer() }

        @Test func scriptBuiltContentIsInTheRenderedHTML() async throws {
            let result = try await withBrowser { try await $0.render(url: server.url("/js")) }
            #expect(result.html.contains("<p id=\"made\">built by script</p>"))
            #expect(result.html.hasPrefix("<!DOCTYPE html>"))
            #expect(result.status == 200)
            #expect(result.mimeType == "text/html")
            #expect(result.finalURL == server.url("/js"))
        }

        @Test func javascriptOffRendersTheHTMLAsServed() async throws {
            var configuration = BrowserEngineConfiguration()
            configuration.javascript = false
            let result = try await withBrowser(configuration) { try await $0.render(url: server.url("/js")) }
            #expect(result.html.contains("<div id=\"root\"></div>"))
            #expect(!result.html.contains("<p id=\"made\">"))
        }

        @Test func scriptResultComesBackAsJSON() async throws {
            let options = RenderOptions(script: "({title: document.title, n: 1, list: [true, 2.5, null], made: document.querySelector('#made').textContent})")
            let result = try await withBrowser { try await $0.render(url: server.url("/js"), options: options) }
            #expect(result.scriptResult == ["title": "JS", "n": 1, "list": [true, 2.5, nil], "made": "built by script"])
        }

        @Test func scriptPromiseIsAwaited() async throws {
            let options = RenderOptions(script: "new Promise(done => setTimeout(() => done(6 * 7), 50))")
            let result = try await withBrowser { try await $0.render(url: server.url("/small"), options: options) }
            #expect(result.scriptResult == 42)
        }

        @Test func throwingScriptIsAScriptError() async throws {
            let options = RenderOptions(script: "throw new Error('boom from the page')")
            try await withBrowser { engine in
                let error = await #expect(throws: BrowserError.self) { try await engine.render(url: server.url("/small"), options: options) }
                #expect(error?.code == .script)
                #expect(error?.message.contains("boom from the page") == true)
                // The engine stays usable after a script error.
                let status = try await engine.render(url: server.url("/small")).status
                #expect(status == 200)
                #expect(await engine.isHealthy())
            }
        }

        @Test func screenshotIsAPNGOfTheViewportSize() async throws {
            var configuration = BrowserEngineConfiguration()
            configuration.viewportWidth = 640
            configuration.viewportHeight = 360
            let result = try await withBrowser(configuration) { try await $0.render(url: server.url("/small"), options: RenderOptions(screenshot: true)) }
            let base64 = try #require(result.screenshotBase64)
            let png = try #require(Data(base64Encoded: base64))
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            // IHDR is the first chunk: length(4) "IHDR"(4) width(4) height(4), big-endian.
            #expect(png[12..<16] == Data("IHDR".utf8))
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
            let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 640)
            #expect(height == 360)
        }

        @Test func pdfStartsWithPDFMagic() async throws {
            let result = try await withBrowser { try await $0.render(url: server.url("/small"), options: RenderOptions(pdf: true)) }
            let base64 = try #require(result.pdfBase64)
            let pdf = try #require(Data(base64Encoded: base64))
            #expect(pdf.prefix(5) == Data("%PDF-".utf8))
        }

        @Test func waitsForASelector() async throws {
            let options = RenderOptions(waitForSelector: "#late")
            let result = try await withBrowser { try await $0.render(url: server.url("/late"), options: options) }
            #expect(result.html.contains("arrived late"))
        }

        @Test func missingSelectorTimesOutWithoutKillingTheBrowser() async throws {
            let options = RenderOptions(waitForSelector: "#never", timeout: .seconds(3))
            try await withBrowser { engine in
                let error = await #expect(throws: BrowserError.self) { try await engine.render(url: server.url("/small"), options: options) }
                #expect(error?.code == .timeout)
                #expect(await engine.isHealthy())
            }
        }

        @Test func userAgentAndHeadersAreSent() async throws {
            var configuration = BrowserEngineConfiguration()
            configuration.userAgent = "crawld-browser-test/1"
            configuration.headers = ["x-crawld-test": "yes"]
            let result = try await withBrowser(configuration) { try await $0.render(url: server.url("/headers")) }
            #expect(result.html.contains("<li>user-agent: crawld-browser-test/1</li>"))
            #expect(result.html.contains("<li>x-crawld-test: yes</li>"))
        }

        @Test func blockedImagesAreNeverFetched() async throws {
            var configuration = BrowserEngineConfiguration()
            configuration.blocked = [.image, .font]
            try await withBrowser { engine in
                _ = try await engine.render(url: server.url("/img?shown"), options: RenderOptions(waitUntil: .networkIdle))
            }
            let result = try await withBrowser(configuration) { engine in
                try await engine.render(url: server.url("/img?blocked"), options: RenderOptions(waitUntil: .networkIdle))
            }
            #expect(server.received("/pixel.png?shown"))
            #expect(server.received("/img?blocked"))
            #expect(!server.received("/pixel.png?blocked"))
            #expect(result.html.contains("<img src=\"/pixel.png?blocked\">"))
        }

        @Test func errorStatusIsAResult() async throws {
            let result = try await withBrowser { try await $0.render(url: server.url("/status/404")) }
            #expect(result.status == 404)
            #expect(result.html.contains("status 404"))
        }

        @Test func unreachableHostIsANavigationFailure() async throws {
            try await withBrowser { engine in
                let port = try closedPort()
                let error = await #expect(throws: BrowserError.self) { try await engine.render(url: "http://127.0.0.1:\(port)/") }
                #expect(error?.code == .navigationFailed)
                #expect(error?.message.contains("ERR_CONNECTION_REFUSED") == true)
            }
        }

        @Test func contextsDoNotShareCookies() async throws {
            let set = RenderOptions(script: "document.cookie = 'crawld=1; path=/'; document.cookie")
            let read = RenderOptions(script: "document.cookie")
            try await withBrowser { engine in
                let written = try await engine.render(url: server.url("/small"), options: set).scriptResult
                let readBack = try await engine.render(url: server.url("/small"), options: read).scriptResult
                #expect(written == "crawld=1")
                #expect(readBack == "")
            }
        }
    }
}

/// A loopback port that was free a moment ago and has nothing listening now.
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestFailure("cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
