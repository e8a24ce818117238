extension IPAddress {
    /// What kind of target an address is. Everything but `publicUnicast` is
    /// refused by `--deny-private`.
    ///
    /// Drawn from IANA's IPv4 and IPv6 Special-Purpose Address Registries:
    /// every block they list as not globally reachable is refused, and the
    /// few they list as reachable anycast services (AS112, AMT) are refused
    /// too where they sit inside a wider special block, since a crawler has
    /// no business there. IPv6 outside 2000::/3 (the only block IANA hands
    /// out as global unicast) is `reserved` unless named below.
    public enum Classification: String, Sendable, CustomStringConvertible {
        case publicUnicast = "public"
        /// 127.0.0.0/8 and ::1.
        case loopback
        /// RFC 1918, the CGNAT range 100.64.0.0/10 and IPv6 unique local (fc00::/7).
        case privateNetwork = "private"
        /// 169.254.0.0/16 (cloud metadata lives there) and fe80::/10.
        case linkLocal = "link-local"
        /// 0.0.0.0 and ::, which connect to this host.
        case unspecified
        /// 224.0.0.0/4 and ff00::/8.
        case multicast
        /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 and 3fff::/20.
        case documentation
        /// Everything else special: 0.0.0.0/8, 192.0.0.0/24, 192.88.99.0/24
        /// (6to4 relays), 198.18.0.0/15 (benchmarking), 240.0.0.0/4 with the
        /// broadcast address; IPv6 IETF protocol assignments (2001::/23 but
        /// Teredo), the discard prefix 100::/64, local-use NAT64
        /// 64:ff9b:1::/48, fec0::/10, IPv4-compatible ::/96 and any IPv6
        /// outside 2000::/3.
        case reserved

        public var description: String { rawValue }
    }

    /// The kind of this address. An IPv6 address that carries an IPv4 one
    /// (mapped, IPv4-compatible, NAT64, 6to4, Teredo) takes the kind of the
    /// IPv4 it reaches, so `[::ffff:127.0.0.1]` and `[2002:7f00:1::]` are loopback.
    public var classification: Classification {
        if isIPv4 { return Self.classifyV4(bytes) }
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        let embedded = embeddedIPv4
        if let inward = embedded.map(\.classification).first(where: { $0 != .publicUnicast }) { return inward }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return .reserved } // IPv4-compatible: deprecated, never a target
        if !embedded.isEmpty { return .publicUnicast }
        return classifyV6()
    }

    /// The IPv4 addresses an IPv6 address carries and reaches: IPv4-mapped
    /// (::ffff:0:0/96), IPv4-compatible (::/96), SIIT (::ffff:0:0:0/96),
    /// NAT64 (64:ff9b::/96), 6to4 (2002::/16), and for Teredo (2001::/32)
    /// both the server and the client (stored XORed with all ones). Empty for
    /// an IPv4 address and every other IPv6 one.
    public var embeddedIPv4: [IPAddress] {
        guard !isIPv4 else { return [] }
        let b = bytes
        let tail = IPAddress(bytes: Array(b[12..<16]))!
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return [tail] }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return [tail] }
        if b[0..<8].allSatisfy({ $0 == 0 }) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0 { return [tail] }
        if b[0..<4] == [0x00, 0x64, 0xff, 0x9b], b[4..<12].allSatisfy({ $0 == 0 }) { return [tail] }
        if b[0] == 0x20, b[1] == 0x02 { return [IPAddress(bytes: Array(b[2..<6]))!] }
        if b[0..<4] == [0x20, 0x01, 0x00, 0x00] {
            return [IPAddress(bytes: Array(b[4..<8]))!, IPAddress(bytes: b[12..<16].map { ~$0 })!]
        }
        return []
    }

    private static func classifyV4(_ b: [UInt8]) -> Classification {
        switch (b[0], b[1], b[2]) {
        case (0, 0, 0) where b[3] == 0: return .unspecified
        case (0, _, _): return .reserved
        case (127, _, _): return .loopback
        case (10, _, _), (172, 16...31, _), (192, 168, _), (100, 64...127, _): return .privateNetwork
        case (169, 254, _): return .linkLocal
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return .documentation
        case (192, 0, 0), (192, 88, 99), (198, 18...19, _): return .reserved
        case (224...239, _, _): return .multicast
        case (240...255, _, _): return .reserved
        default: return .publicUnicast
        }
    }

    private func classifyV6() -> Classification {
        let b = bytes
        switch (b[0], b[1]) {
        case (0xff, _): return .multicast
        case (0xfe, let second) where second & 0xc0 == 0x80: return .linkLocal
        case (0xfc, _), (0xfd, _): return .privateNetwork
        case (0x20, 0x01) where b[2] == 0x0d && b[3] == 0xb8: return .documentation
        case (0x3f, 0xff) where b[2] & 0xf0 == 0: return .documentation
        case (0x20, 0x01) where b[2] < 0x02: return .reserved
        case (0x20...0x3f, _): return .publicUnicast
        default: return .reserved
        }
    }
}
