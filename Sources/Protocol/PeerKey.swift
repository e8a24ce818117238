/// The key under which limits count a client by its address: the address
/// itself for IPv4 (also when mapped into IPv6, `::ffff:10.0.0.1`), its first
/// four groups (the /64) for IPv6, the block one host usually holds, so that
/// rotating addresses inside it does not make a client many.
///
/// Used by the line protocol's `auth` throttle and the `--http` listener's
/// per-address share of connections.
public enum PeerKey {
    /// - Parameter address: an address as `inet_ntop` writes it (`SocketAddress.ipAddress`).
    public static func of(_ address: String) -> String {
        guard address.contains(":") else { return address }
        if let last = address.split(separator: ":").last, last.contains(".") { return String(last) }
        var groups = address.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let gap = groups.firstIndex(of: ""), address.contains("::") {
            let present = groups.filter { !$0.isEmpty }
            groups.removeAll { $0.isEmpty }
            groups.insert(contentsOf: Array(repeating: "0", count: max(0, 8 - present.count)), at: min(gap, groups.count))
        }
        return groups.prefix(4).joined(separator: ":") + "::/64"
    }
}
