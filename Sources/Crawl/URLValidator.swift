import Engines
import FoundationEssentials

/// Decides whether crawld may fetch a URL, before any engine sees it.
///
/// Every URL must be absolute, `http` or `https`, have a host and a valid
/// port, hold no spaces or control characters, and be at most 8 KiB long.
///
/// With `denyPrivate` (the operator's `--deny-private`), the host is also
/// resolved (getaddrinfo, on a thread of its own, never on an event loop or
/// a Swift concurrency thread) and the URL is refused with `blocked_address`
/// when any address it resolves to is refused by `AddressPolicy` (not public
/// unicast, or one of this host's own addresses). A literal IP is judged
/// without a lookup. The HTTP engine checks each redirect target's host
/// again with the same `AddressPolicy`, right before connecting to the
/// address that check allowed (`Crawler.addressPin`), so that a public page
/// cannot redirect the crawler inward and DNS rebinding finds nothing to
/// rebind.
public struct URLValidator: Sendable {
    /// The longest URL accepted, in UTF-8 bytes.
    public static let maxLength = 8 * 1024

    /// The `--deny-private` rule; nil when the operator did not ask for it.
    public let addressPolicy: AddressPolicy?

    public init(denyPrivate: Bool = false, hostAddresses: HostAddresses = .shared) {
        addressPolicy = denyPrivate ? AddressPolicy(hostAddresses: hostAddresses) : nil
    }

    public var denyPrivate: Bool { addressPolicy != nil }

    /// A URL that passed, and under `--deny-private` the addresses its host
    /// resolved to, each allowed (empty without it: nothing was looked up).
    public struct CheckedURL: Sendable {
        public let url: URL
        public let addresses: [IPAddress]
    }

    /// Checks `text` and returns it as a URL.
    /// - Throws: `CrawlError` with code `invalidURL` (or `blockedAddress`) and a message that says what is wrong.
    public func validate(_ text: String) async throws(CrawlError) -> URL {
        try await check(text).url
    }

    /// `validate`, keeping the addresses it checked so that the fetch can connect to them.
    public func check(_ text: String) async throws(CrawlError) -> CheckedURL {
        let url = try Self.checkSyntax(text)
        guard let addressPolicy else { return CheckedURL(url: url, addresses: []) }
        return CheckedURL(url: url, addresses: try await Self.checkedAddresses(of: url, policy: addressPolicy))
    }

    /// The syntax checks alone, without any lookup.
    public static func checkSyntax(_ text: String) throws(CrawlError) -> URL {
        let length = text.utf8.count
        guard length <= maxLength else { throw invalid("URL is \(length) bytes long; the limit is \(maxLength)") }
        guard !text.isEmpty else { throw invalid("URL is empty") }
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
            throw invalid("URL contains a space or a control character: \(quoted(text))")
        }
        guard let url = URL(string: text) else { throw invalid("not a valid URL: \(quoted(text))") }
        guard let scheme = url.scheme?.lowercased() else { throw invalid("not an absolute URL (no scheme): \(quoted(text))") }
        guard scheme == "http" || scheme == "https" else { throw invalid("scheme '\(scheme)' is not allowed") }
        guard let host = url.host, !host.isEmpty else { throw invalid("URL has no host: \(quoted(text))") }
        if let port = url.port, !(1...65_535).contains(port) { throw invalid("port \(port) is out of range") }
        return url
    }

    /// The addresses `url`'s host resolves to, each allowed by `policy`.
    private static func checkedAddresses(of url: URL, policy: AddressPolicy) async throws(CrawlError) -> [IPAddress] {
        let host = url.lookupHost
        do {
            return try await policy.checkedAddresses(of: host)
        } catch  where error.code == .blockedAddress {
            throw CrawlError(.blockedAddress, error.message)
        } catch {
            throw invalid(error.message)
        }
    }

    private static func invalid(_ message: String) -> CrawlError {
        CrawlError(.invalidURL, message)
    }

    /// The URL for a message, cut to 200 characters so an 8 KiB URL does not flood the answer.
    private static func quoted(_ text: String) -> String {
        text.count > 200 ? "'\(text.prefix(200))...'" : "'\(text)'"
    }
}
