import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The addresses of this host's own interfaces, read with getifaddrs.
///
/// A service bound to 0.0.0.0 answers on every one of them, so a public
/// interface address reaches it as surely as 127.0.0.1 does. Interfaces come
/// and go (DHCP, VPNs, containers), so the set is read again when it is older
/// than `maxAge`, and on a miss when it is older than `missInterval`: an
/// address added a moment ago is caught within that interval, and a crawl of
/// public sites costs at most one getifaddrs call per `missInterval`.
public final class HostAddresses: Sendable {
    /// The one set the daemon's engines share.
    public static let shared = HostAddresses()

    private struct Snapshot {
        var addresses: Set<IPAddress>
        var readAt: ContinuousClock.Instant
    }

    private let snapshot: Mutex<Snapshot?> = Mutex(nil)
    private let maxAge: Duration
    private let missInterval: Duration

    public init(maxAge: Duration = .seconds(30), missInterval: Duration = .seconds(1)) {
        self.maxAge = maxAge
        self.missInterval = missInterval
    }

    /// Whether `address` is one of this host's interface addresses.
    public func contains(_ address: IPAddress) -> Bool {
        let now = ContinuousClock.now
        let known = snapshot.withLock { snapshot -> Bool? in
            guard let snapshot else { return nil }
            let age = snapshot.readAt.duration(to: now)
            let found = snapshot.addresses.contains(address)
            if age < missInterval || (found && age < maxAge) { return found }
            return nil
        }
        if let known { return known }
        let fresh = Self.interfaceAddresses()
        snapshot.withLock { $0 = Snapshot(addresses: fresh, readAt: now) }
        return fresh.contains(address)
    }

    /// Every IPv4 and IPv6 address on an interface now; empty if getifaddrs fails.
    public static func interfaceAddresses() -> Set<IPAddress> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses: Set<IPAddress> = []
        var node = list
        while let entry = node?.pointee {
            if let socketAddress = entry.ifa_addr, let address = IPAddress(socketAddress: socketAddress) {
                addresses.insert(address)
            }
            node = entry.ifa_next
        }
        return addresses
    }
}
