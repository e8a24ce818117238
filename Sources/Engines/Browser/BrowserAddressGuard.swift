/// The operator's `--deny-private` rule as the browser engine applies it to
/// every request a page makes: the document, its redirects, script and meta
/// refresh navigations, subresources, frames, workers, `fetch`/XHR.
///
/// A seam over the shared address rule: the engine asks only "may this host
/// be reached?", so the rule (resolve the name, refuse it when any address
/// it gives is not public) lives in one place for every engine and is handed
/// in by whoever builds the engine.
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
}
