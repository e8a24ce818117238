/// The operator's `--deny-private` rule as the browser engine applies it to
/// every request a page makes: the document, its redirects, script and meta
/// refresh navigations, subresources, frames, workers, `fetch`/XHR.
///
/// The engine asks only "may this host be reached?": the rule itself is
/// `AddressPolicy`, the one every engine applies (``init(policy:)``); tests
/// hand in a rule of their own to stand a loopback address in for a public site.
///
/// What Chromium does not let the engine hold for a decision, it does not
/// let through either: WebSockets are refused outright (see
/// `ChromiumProcess.webSocketFlags`). What remains open: Chromium resolves
/// the name again when it connects, so a DNS server that answers a public
/// address to the check and a private one a moment later (DNS rebinding) is
/// not stopped by the check alone.
public struct BrowserAddressGuard: Sendable {
    /// Why `host` (a name or a literal IP, without brackets) is refused, or nil when it may be reached.
    let refusal: @Sendable (_ host: String) async -> String?

    /// - Parameter refusal: the rule; returns why a host is refused, nil when it is allowed.
    public init(_ refusal: @escaping @Sendable (_ host: String) async -> String?) {
        self.refusal = refusal
    }

    /// The operator's `--deny-private` rule: a host is refused when it does not
    /// resolve or any address it resolves to is refused.
    public init(policy: AddressPolicy) {
        self.init { host in
            do throws(EngineError) {
                _ = try await policy.checkedAddresses(of: host)
                return nil
            } catch {
                return error.message
            }
        }
    }
}
