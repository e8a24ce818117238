import Foundation
import JSON
import Testing
import TestSupport

/// `crawld mcp` driven by the real MCP client from PyPI (`Tests/Servers/mcp_client.py`, the
/// `mcp` package that `make test-deps` installs in Tests/.venv), against a real daemon and a
/// page served on loopback: it lists the tools, crawls, and gets crawld's refusals as tool
/// errors; with a token configured, the bridge authenticates with `CRAWLD_TOKEN`.
@Suite struct DaemonMCPTests {
    static let page = """
        <html><head><title>Kettles</title></head><body><nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
        <main><h1>Descaling a kettle</h1><p>Citric acid removes the white crust from the element without any smell.</p></main>
        <footer>Copyright Kettle Club</footer></body></html>
        """

    /// Runs the Python client against a daemon started with `arguments`; returns what it printed.
    private func session(daemonArguments: [String] = [], token: String? = nil, screenshot: Bool = false) async throws -> JSONObject {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Self.page.write(to: folder.url.appendingPathComponent("kettle.html"), atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none"] + daemonArguments)
        defer { Task { await daemon.stop() } }
        return try await withTestHTTPServer(root: folder.path) { server in
            try Self.runClient(
                "mcp_client.py", [DaemonProcess.binary.path, String(daemon.port), server.url("/kettle.html")] + (token.map { [$0] } ?? []),
                environment: screenshot ? ["MCP_SCREENSHOT": "1"] : [:]
            )
        }
    }

    /// Runs `Tests/Servers/<script>` with Tests/.venv's Python (the `mcp` client) and returns the JSON object it printed.
    static func runClient(_ script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> JSONObject {
        let python = DaemonProcess.repositoryRoot.appendingPathComponent("Tests/.venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "the mcp client is missing: run `make test-deps`")
        let client = try ChildProcess.run(
            URL(fileURLWithPath: python), [DaemonProcess.repositoryRoot.appendingPathComponent("Tests/Servers/\(script)").path] + arguments,
            environment: environment, killAfter: .seconds(120)
        )
        try #require(client.status == 0, "the MCP client failed: \(client.stderr)")
        return try #require(try JSONValue.parse(Array(client.stdout.utf8)).objectValue)
    }

    private func texts(_ result: JSONValue?) -> [String] {
        result?.objectValue?["texts"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test func realClientListsTheToolsAndCrawlsAPage() async throws {
        let seen = try await session()
        #expect(seen["server"] == "crawld")
        #expect(seen["tools"] == ["crawl", "crawl_many", "health", "job_results", "job_status", "job_submit"])
        let crawl = texts(seen["crawl"])
        #expect(seen["crawl"]?.objectValue?["is_error"] == false)
        #expect(crawl.first == "# Descaling a kettle\n\nCitric acid removes the white crust from the element without any smell.\n")
        #expect(crawl.last?.contains(#""status":200"#) == true)
        #expect(texts(seen["refused"]).first?.hasPrefix("invalid_url: ") == true && seen["refused"]?.objectValue?["is_error"] == true)
        let many = texts(seen["many"])
        #expect(many.filter { $0.contains("Copyright Kettle Club") }.count == 2, "two whole-page Markdown texts: \(many)")
        #expect(texts(seen["health"]).first?.contains("\"pool\"") == true)
    }

    @Test func aScreenshotComesBackAsAnImage() async throws {
        let seen = try await session(screenshot: true)
        let shot = seen["screenshot"]?.objectValue
        #expect(shot?["is_error"] == false, "\(String(describing: shot))")
        #expect(shot?["images"] == ["image/png"])
        #expect(texts(seen["screenshot"]).contains { $0.contains(#""engine":"browser""#) && !$0.contains("\"screenshot\"") })
    }

    @Test func bridgeAuthenticatesWithTheToken() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let tokenFile = folder.url.appendingPathComponent("token").path
        try "s3cret-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let seen = try await session(daemonArguments: ["--token-file", tokenFile], token: "s3cret-token")
        #expect(texts(seen["crawl"]).first?.hasPrefix("# Descaling a kettle") == true)
    }

    /// Runs `crawld mcp` with `arguments` and `CRAWLD_TOKEN`, standard input closed; returns its exit status and standard error.
    private func bridge(_ arguments: [String], token: String?) throws -> (status: Int32, stderr: String) {
        let outcome = try ChildProcess.run(DaemonProcess.binary, ["mcp"] + arguments, environment: ["CRAWLD_TOKEN": token])
        return (outcome.status, outcome.stderr)
    }

    @Test func aRefusedTokenOrABadAddressEndsTheBridgeWithAMessage() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let tokenFile = folder.url.appendingPathComponent("token").path
        try "right-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--token-file", tokenFile])
        defer { Task { await daemon.stop() } }
        let refused = try bridge(["--connect", "127.0.0.1:\(daemon.port)"], token: "wrong-token")
        #expect(refused.status == 1 && refused.stderr.contains("crawld refused the token"), "\(refused)")
        let malformed = try bridge(["--connect", "no-port-here"], token: nil)
        #expect(malformed.status == 2 && malformed.stderr.contains("--connect must be HOST:PORT"), "\(malformed)")
        let ping = try await daemon.withClient { client in try await client.request(["op": "ping"]).answer }
        #expect(ping["error"]?.objectValue?["code"] == "unauthorized", "the daemon still answers, and still wants its token")
    }
}
