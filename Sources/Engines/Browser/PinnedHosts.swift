import Synchronization

/// One browser's answers from its `BrowserAddressGuard`, shared by the two
/// places that ask: the check of each request Chromium holds for a decision
/// (`BrowserEngine+Interception`) and the proxy that makes the connection
/// (`BrowserProxy`).
///
/// Both look a host up here, so the address the proxy connects to is the one
/// the request's check saw, not a second DNS answer: a name that answers a
/// public address to the check and a private one a moment later (DNS
/// rebinding) is connected to the public one. Every address kept here passed
/// the rule, so a stale entry can only send a page to a checked address.
///
/// An answer is kept for `lifetime` (like a DNS cache, so a site that moves is
/// followed), refusals are not kept, and at most `capacity` hosts are kept: a
/// page naming countless hosts clears the table rather than growing it.
final class PinnedHosts: Sendable {
    private struct Entry {
        let addresses: [IPAddress]
        let expires: ContinuousClock.Instant
    }

    private let addressGuard: BrowserAddressGuard
    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Duration
    private let capacity: Int

    init(addressGuard: BrowserAddressGuard, lifetime: Duration = .seconds(30), capacity: Int = 1024) {
        self.addressGuard = addressGuard
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The checked addresses of `host` (lowercase name or literal IP, without
    /// brackets): the kept answer while it is fresh, else the guard's.
    /// - Throws: the guard's `EngineError` when the host is refused.
    func addresses(of host: String) async throws(EngineError) -> [IPAddress] {
        let now = ContinuousClock.now
        if let kept = entries.withLock({ $0[host] }), kept.expires > now { return kept.addresses }
        let checked = try await addressGuard.checkedAddresses(host)
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { $0.value.expires > now } }
            if entries.count >= capacity { entries.removeAll() }
            entries[host] = Entry(addresses: checked, expires: now + lifetime)
        }
        return checked
    }
}
