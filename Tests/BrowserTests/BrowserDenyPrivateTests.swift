import Foundation
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    /// Issue 19 item 1: under `--deny-private` every request a page makes
    /// passes the address rule, not only the first URL.
    ///
    /// Two sites on loopback: 127.0.0.2 stands for a public site (the guard
    /// lets it through, as an operator rule would a public address) and
    /// 127.0.0.1 for a private service holding SECRET. The private server's
    /// request log proves that nothing reached it; the rendered DOM must not
    /// hold its content either.
    @Suite
    struct BrowserDenyPrivateTests {
        let site: PageServer
        let secret: PageServer

        init() async throws {
            site = try await PageServer(host: "127.0.0.2")
            secret = try await PageServer(host: "127.0.0.1")
        }

        /// The rule under test: 127.0.0.2 is reachable, every other host is refused.
        static let guardAllowingOnlyTheSite = BrowserAddressGuard { host throws(EngineError) in
            guard host == "127.0.0.2", let site = IPAddress(host) else {
                throw EngineError(.blockedAddress, "\(host) is a loopback address (refused by --deny-private)")
            }
            return [site]
        }

        private func withGuardedBrowser<T>(_ body: (BrowserEngine) async throws -> T) async throws -> T {
            try await withBrowser(addressGuard: Self.guardAllowingOnlyTheSite, body)
        }

        private func page(_ kind: String) -> String { site.url("/to/\(kind)?u=\(secret.url("/secret"))") }

        @Test(arguments: ["redirect", "jsnav", "meta"])
        func refusedNavigationFailsTheRenderWithBlockedAddress(kind: String) async throws {
            let error = try await withGuardedBrowser { engine in
                await #expect(throws: BrowserError.self) {
                    try await engine.render(url: page(kind), options: RenderOptions(waitUntil: .networkIdle, timeout: .seconds(20)))
                }
            }
            #expect(error?.code == .blockedAddress, "\(String(describing: error))")
            #expect(error?.message.contains("127.0.0.1") == true)
            #expect(site.receivedAny)
            #expect(!secret.receivedAny, "the private server was reached")
        }

        @Test(arguments: ["iframe", "img", "fetch", "websocket"])
        func refusedSubresourceFailsAloneAndIsNotInTheDOM(kind: String) async throws {
            let result = try await withGuardedBrowser { engine in
                try await engine.render(url: page(kind), options: RenderOptions(waitUntil: .networkIdle, timeout: .seconds(20)))
            }
            #expect(result.html.contains("DONE"))
            #expect(!result.html.contains("SECRET"))
            #expect(!secret.receivedAny, "the private server was reached")
        }

        @Test func refusedFirstURLFailsWithBlockedAddress() async throws {
            let error = try await withGuardedBrowser { engine in
                await #expect(throws: BrowserError.self) { try await engine.render(url: secret.url("/secret")) }
            }
            #expect(error?.code == .blockedAddress)
            #expect(!secret.receivedAny)
        }

        /// The same pages without the guard do reach the private server: the
        /// request log can tell, so the tests above can fail.
        @Test(arguments: ["iframe", "websocket"])
        func withoutTheGuardThePrivateServerIsReached(kind: String) async throws {
            _ = try await withBrowser { engine in
                try await engine.render(url: page(kind), options: RenderOptions(waitUntil: .networkIdle, timeout: .seconds(20)))
            }
            #expect(secret.receivedAny)
        }
    }
}
