import Foundation
import JSON
import Synchronization
import Testing
import TestSupport

@testable import Engines

/// chromium-headless-shell driven over the DevTools protocol, for the
/// dashboard tests: the engine's own `ChromiumProcess` and `CDPConnection`
/// (the pipe transport crawld renders with), one page, and every console
/// error, uncaught exception and failed load the page logs.
final class DashboardBrowser: Sendable {
    private let process: ChromiumProcess
    private let connection: CDPConnection
    private let session: String
    private let logged = Mutex<[String]>([])
    private let profileRoot: TemporaryDirectory

    private init(process: ChromiumProcess, connection: CDPConnection, session: String, profileRoot: TemporaryDirectory) {
        self.process = process
        self.connection = connection
        self.session = session
        self.profileRoot = profileRoot
    }

    /// Opens `url` in a window of `width` × `height` CSS pixels.
    static func open(_ url: String, width: Int = 1280, height: Int = 1400) async throws -> DashboardBrowser {
        let root = try TemporaryDirectory(prefix: "crawld-dashboard-browser")
        let process = try ChromiumProcess(executable: try ChromiumProcess.locate(), profileRoot: root.path)
        let connection = CDPConnection(socket: process.socket, tick: { _ in .seconds(1) }, onClose: {})
        try connection.start()
        let target = try await connection.send("Target.createTarget", ["url": "about:blank"])
        let targetID = try #require(target.objectValue?["targetId"]?.stringValue)
        let attached = try await connection.send("Target.attachToTarget", ["targetId": .string(targetID), "flatten": true])
        let session = try #require(attached.objectValue?["sessionId"]?.stringValue)
        let browser = DashboardBrowser(process: process, connection: connection, session: session, profileRoot: root)
        connection.subscribe(session: session) { [weak browser] method, params in browser?.observe(method, params) }
        try await connection.sendAll([("Runtime.enable", [:]), ("Log.enable", [:]), ("Page.enable", [:])], session: session)
        _ = try await connection.send(
            "Emulation.setDeviceMetricsOverride",
            ["width": .int(Int64(width)), "height": .int(Int64(height)), "deviceScaleFactor": 1, "mobile": .bool(width < 600)], session: session
        )
        _ = try await connection.send("Page.navigate", ["url": .string(url)], session: session)
        // Page.navigate answers once the navigation starts; wait until the page and its deferred script ran.
        guard try await browser.waitUntil("location.href === '\(url)' && document.readyState === 'complete'") else {
            browser.close()
            throw TestFailure("\(url) did not load")
        }
        return browser
    }

    private func observe(_ method: String, _ params: JSONValue) {
        let object = params.objectValue ?? [:]
        switch method {
        case "Runtime.consoleAPICalled" where object["type"] == "error":
            logged.withLock { $0.append("console.error: \(object["args"].map { "\($0)" } ?? "")") }
        case "Runtime.exceptionThrown":
            logged.withLock { $0.append("exception: \(object["exceptionDetails"].map { "\($0)" } ?? "")") }
        case "Log.entryAdded" where object["entry"]?.objectValue?["level"] == "error":
            logged.withLock { $0.append("log: \(object["entry"].map { "\($0)" } ?? "")") }
        default:
            break
        }
    }

    /// Console errors, uncaught exceptions and failed loads so far.
    var errors: [String] { logged.withLock { $0 } }

    /// The value of a JavaScript expression (promises awaited).
    func evaluate(_ expression: String) async throws -> JSONValue {
        let answer = try await connection.send(
            "Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true], session: session
        )
        if let thrown = answer.objectValue?["exceptionDetails"] { throw TestFailure("\(expression) threw \(thrown)") }
        return answer.objectValue?["result"]?.objectValue?["value"] ?? .null
    }

    /// Polls `expression` until it is `true` (30 s at most); an expression
    /// that throws (an element not there yet) counts as false.
    func waitUntil(_ expression: String) async throws -> Bool {
        try await pollUntil { try await evaluate("(() => { try { return \(expression) } catch { return false } })()") == true }
    }

    /// A PNG of the page as it is now.
    func screenshot() async throws -> Data {
        let answer = try await connection.send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], session: session)
        return try #require(answer.objectValue?["data"]?.stringValue.flatMap { Data(base64Encoded: $0) })
    }

    func close() {
        process.terminate()
        profileRoot.remove()
    }
}
