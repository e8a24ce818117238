import Foundation
import JSON
import Testing
import TestSupport

/// The `crawl` op's browser asks of issue 25 through the real binary and
/// real Chromium: the shipped policies.lua's default `block` (no image, font
/// or media request leaves the browser unless the request or a screenshot
/// needs them), `wait_until` and `wait_for`, and their refusals.
@Suite(.serialized) struct DaemonBrowserWaitTests {
    /// A crawld with the shipped scripts and a client on it, beside `browserpages.py`.
    private func withDaemon(_ body: (LineClient, PageServer) async throws -> Void) async throws {
        let server = try await PageServer()
        defer { server.stop() }
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"])
        defer { Task { await daemon.stop() } }
        try await daemon.withClient { client in try await body(client, server) }
    }

    @Test func thePolicyDefaultBlocksImagesUnlessTheRequestSaysOtherwise() async throws {
        try await withDaemon { client, server in
            let blocked = try await client.request([
                "op": "crawl", "url": .string(server.url("/img?policy")), "engine": "browser", "wait_until": "networkidle", "formats": ["html"],
            ]).answer
            #expect(blocked["ok"] == true, "\(blocked)")
            #expect(blocked["html"]?.stringValue?.contains("/pixel.png?policy") == true)
            // The request's own `block` wins over the policy's: this image is fetched.
            let fetched = try await client.request([
                "op": "crawl", "url": .string(server.url("/img?asked")), "engine": "browser", "wait_until": "networkidle",
                "config": ["block": []],
            ]).answer
            #expect(fetched["ok"] == true, "\(fetched)")
            try await server.waitForRequest("/pixel.png?asked")
            #expect(server.received("/img?policy"))
            #expect(!server.received("/pixel.png?policy"), "the policy's block let the image through")
        }
    }

    @Test func waitForSeesAnElementAddedAfterLoad() async throws {
        try await withDaemon { client, server in
            // No `engine`: a `wait_for` is a browser ask, and the shipped engine_for says so.
            let late = try await client.request([
                "op": "crawl", "url": .string(server.url("/late")), "wait_for": "#late", "wait_until": "domcontentloaded", "formats": ["html"],
            ]).answer
            #expect(late["engine"] == "browser", "\(late)")
            #expect(late["html"]?.stringValue?.contains("<p id=\"late\">arrived late</p>") == true, "\(late)")
        }
    }

    @Test func badWaitValuesGetAClearErrorAndTheDaemonGoesOn() async throws {
        try await withDaemon { client, server in
            let cases: [(JSONObject, String)] = [
                (["wait_until": "idle"], #"'wait_until' must be one of "domcontentloaded", "load", "networkidle", got "idle""#),
                (["wait_until": 3], "wait_until"),
                (["wait_for": ""], "'wait_for' must be a CSS selector of 1 to 1024 bytes"),
                (["wait_for": .string(String(repeating: "p", count: 1025))], "'wait_for' must be a CSS selector of 1 to 1024 bytes"),
                (["wait_for": "#x", "engine": "http"], "wait_until and wait_for need the browser engine"),
            ]
            for (extra, message) in cases {
                var request: JSONObject = ["op": "crawl", "url": "http://127.0.0.1:9/"]
                for (key, value) in extra { request[key] = value }
                let answer = try await client.request(.object(request)).answer
                let error = answer["error"]?.objectValue
                #expect(error?["code"] == "bad_request", "\(extra): \(answer)")
                #expect(error?["message"]?.stringValue?.contains(message) == true, "\(extra): \(answer)")
            }
            // Only Chromium knows its selectors: this one is refused once the page is there.
            let unparsable = try await client.request([
                "op": "crawl", "url": .string(server.url("/small")), "engine": "browser", "wait_for": "p[", "timeout_ms": 20000,
            ]).answer
            #expect(unparsable["error"]?.objectValue?["code"] == "bad_request", "\(unparsable)")
            #expect(unparsable["error"]?.objectValue?["message"]?.stringValue?.contains("is not a CSS selector Chromium accepts") == true)
            #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        }
    }
}
