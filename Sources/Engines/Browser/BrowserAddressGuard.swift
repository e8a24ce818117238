/// The operator's `--deny-private` rule as the browser engine applies it to
/// every connection a page makes: the document, its redirects, script and meta
/// refresh navigations, subresources, frames, workers, `fetch`/XHR,
/// preconnects and WebRTC's TCP.
///
/// The engine asks only "where may this host be reached?": the rule itself is
/// `AddressPolicy`, the one every engine applies (``init(policy:)``); tests
/// hand in a rule of their own to stand a loopback address in for a public
/// site, or a name whose answer changes between two lookups.
///
/// The browser never connects on its own: its every connection goes through
/// crawld's `BrowserProxy`, which connects to the addresses this rule handed
/// back (through the browser's `PinnedHosts`), so a DNS answer that changes
/// between check and connect (DNS rebinding) is never connected to.
public struct BrowserAddressGuard: Sendable {
    /// The checked addresses of `host` (a name or a literal IP, without brackets).
    let checkedAddresses: @Sendable (_ host: String) async throws(EngineError) -> [IPAddress]

    /// - Parameter checkedAddresses: the rule; returns the addresses `host` may
    ///   be reached at, or throws `EngineError` (`.blockedAddress`, `.dns`) saying why not.
    public init(_ checkedAddresses: @escaping @Sendable (_ host: String) async throws(EngineError) -> [IPAddress]) {
        self.checkedAddresses = checkedAddresses
    }

    /// The operator's `--deny-private` rule: a host is refused when it does not
    /// resolve or any address it resolves to is refused.
    public init(policy: AddressPolicy) {
        self.init { host throws(EngineError) in try await policy.checkedAddresses(of: host) }
    }
}
