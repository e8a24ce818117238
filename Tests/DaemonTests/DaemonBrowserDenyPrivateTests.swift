import Foundation
import JSON
import Testing
import TestSupport

/// Issue 19 item 1 through the real binary and the real `AddressPolicy`: a
/// site at a public-looking address in a network namespace reaches for a
/// private service on 127.0.0.1 in every way a page can; under
/// `--deny-private` the browser engine lets none of it through.
@Suite(.serialized, .enabled(if: NetworkNamespace.isAvailable, "needs root and iproute2 (ip netns)"))
struct DaemonBrowserDenyPrivateTests {
    @Test func everyRequestOfARenderedPageIsChecked() async throws {
        let namespace = try NetworkNamespace(subnet: 41)
        defer { namespace.remove() }
        let site = try await PageServer(host: namespace.namespaceAddress, namespace: namespace.name)
        let secret = try await PageServer(host: "127.0.0.1")
        let daemon = try await DaemonProcess.start(arguments: ["--config", ScriptFolder.shipped, "--redis", "none", "--deny-private"])
        let client = try await daemon.connect()
        func crawl(_ kind: String) async throws -> JSONObject {
            let url = site.url("/to/\(kind)?u=\(secret.url("/secret"))")
            return try await client.request(["op": "crawl", "url": .string(url), "engine": "browser", "formats": ["html"], "timeout_ms": 20000]).answer
        }

        let redirected = try await crawl("redirect")
        #expect(redirected["ok"] == false)
        #expect(redirected["error"]?.objectValue?["code"] == "blocked_address", "\(redirected)")
        for kind in ["iframe", "img", "fetch", "websocket"] {
            let answer = try await crawl(kind)
            #expect(answer["ok"] == true, "\(kind): \(answer)")
            #expect(answer["html"]?.stringValue?.contains("DONE") == true, "\(kind)")
            #expect(answer["html"]?.stringValue?.contains("SECRET") == false, "\(kind)")
        }
        #expect(site.receivedAny)
        #expect(!secret.receivedAny, "the private server was reached")
        let other = try await daemon.connect()
        let pong = try await other.request(["op": "ping"], timeout: .seconds(1)).answer
        #expect(pong["ok"] == true)
        await other.close()
        await client.close()
        await daemon.stop()
    }
}
