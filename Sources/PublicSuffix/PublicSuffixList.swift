import CPSL
import Glibc

/// The Public Suffix List, through libpsl: which domains anyone may register
/// under (`com`, `co.uk`, `github.io`), so that a cookie cannot be set for all
/// of them and a job's `same_domain` scope stops at the site's owner.
///
/// The data is libpsl's newest: the system's list (Debian's `publicsuffix`
/// package, updated with the OS) when it is newer than the copy built into
/// the library. It is loaded once per process; libpsl's lookups only read it,
/// so one instance serves every thread.
public final class PublicSuffixList: @unchecked Sendable {
    /// The process's list.
    public static let shared = PublicSuffixList()

    /// Read-only after loading, which is what makes the class `Sendable`; kept
    /// for the life of the process (`shared` is the only instance). Nil only
    /// when libpsl has no list at all; its lookups then answer "no" (every
    /// `Domain` refused, every host its own registrable domain), the safe side.
    private let context: OpaquePointer?

    private init() {
        // psl_latest(NULL) reads the distribution's file and falls back to the built-in list,
        // which Debian's libpsl always has; the built-in context is static and never freed.
        context = psl_latest(nil) ?? psl_builtin()
    }

    /// Whether a cookie received from `host` may carry `Domain=domain`
    /// (RFC 6265 §5.3 step 5 and §5.1.3): the host is the domain or under it,
    /// the domain is not a public suffix unless it is the host itself, and an
    /// IP address host accepts only its own address. Both in lowercase.
    public func isCookieDomain(_ domain: String, acceptableFor host: String) -> Bool {
        psl_is_cookie_domain_acceptable(context, host, domain) != 0
    }

    /// Whether anyone may register names under `domain` (`com`, `co.uk`, `github.io`); lowercase.
    public func isPublicSuffix(_ domain: String) -> Bool {
        psl_is_public_suffix(context, domain) != 0
    }

    /// The part of `host` its owner registered (`a.b.example.co.uk` ->
    /// `example.co.uk`, `x.github.io` -> `x.github.io`). An IP address, a
    /// public suffix itself or a single label (`localhost`) is its own domain.
    public func registrableDomain(of host: String) -> String {
        if Self.isIPAddress(host) { return host }
        return host.withCString { name in
            psl_registrable_domain(context, name).map { String(cString: $0) }
        } ?? host
    }

    /// Whether `host` is an IPv4 or IPv6 literal (with or without brackets):
    /// such hosts have no suffixes, and RFC 6265 matches them only exactly.
    public static func isIPAddress(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1
    }
}
