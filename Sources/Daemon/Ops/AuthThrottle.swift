import Protocol
import Synchronization

/// Counts wrong tokens per peer address across connections and refuses
/// `auth` from an address that failed too often (`auth_throttled`).
///
/// The per-connection slow-down in `AuthOp` stops one connection from
/// guessing fast; this stops a client from opening many connections to
/// guess in parallel. The lockout refuses every `auth` from the address,
/// right tokens included, because telling a right token apart during it
/// would let the guessing go on. Peers are counted by `PeerKey` (an IPv6
/// peer by its /64), so rotating addresses inside it does not reset the
/// count. The table holds at most `maximumAddresses` entries; when
/// full, expired ones go first, then the oldest, so a flood of addresses
/// costs bounded memory.
final class AuthThrottle: Sendable {
    struct Policy: Sendable {
        /// Failures within `window` that start a lockout.
        var failures = 20
        var window: Duration = .seconds(60)
        var lockout: Duration = .seconds(300)
        var maximumAddresses = 10_000
    }

    private struct Peer {
        var failures: [ContinuousClock.Instant] = []
        var lockedUntil: ContinuousClock.Instant?
        var lastSeen: ContinuousClock.Instant
    }

    let policy: Policy
    private let peers = Mutex<[String: Peer]>([:])

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// The time left on the address's lockout, or nil when it may try.
    func lockoutRemaining(for address: String?, now: ContinuousClock.Instant = .now) -> Duration? {
        guard let address else { return nil }
        let key = PeerKey.of(address)
        return peers.withLock { peers in
            guard let until = peers[key]?.lockedUntil, until > now else { return nil }
            return until - now
        }
    }

    /// Counts one wrong token from the address.
    /// - Returns: true when this failure started a lockout.
    @discardableResult
    func recordFailure(from address: String?, now: ContinuousClock.Instant = .now) -> Bool {
        guard let address else { return false }
        let key = PeerKey.of(address)
        return peers.withLock { peers in
            if peers[key] == nil, peers.count >= policy.maximumAddresses { evictOne(from: &peers, now: now) }
            var peer = peers[key] ?? Peer(lastSeen: now)
            peer.lastSeen = now
            peer.failures.removeAll { now - $0 > policy.window }
            peer.failures.append(now)
            var locked = false
            if peer.failures.count >= policy.failures {
                peer.lockedUntil = now + policy.lockout
                peer.failures.removeAll()
                locked = true
            }
            peers[key] = peer
            return locked
        }
    }

    private func evictOne(from peers: inout [String: Peer], now: ContinuousClock.Instant) {
        let expired = peers.filter { _, peer in
            peer.lockedUntil.map { until in until <= now } ?? true && peer.failures.allSatisfy { failure in now - failure > policy.window }
        }
        if !expired.isEmpty {
            for key in expired.keys { peers.removeValue(forKey: key) }
            return
        }
        if let oldest = peers.min(by: { $0.value.lastSeen < $1.value.lastSeen }) { peers.removeValue(forKey: oldest.key) }
    }
}
