import Dispatch
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as bytes in network order, and what kind of
/// target it is for `--deny-private`.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// What kind of address this is. Everything but `publicUnicast` is refused by `--deny-private`.
    public enum Classification: String, Sendable, CustomStringConvertible {
        case publicUnicast = "public"
        case loopback
        /// RFC 1918, IPv6 unique local (fc00::/7) and the CGNAT range 100.64.0.0/10.
        case privateNetwork = "private"
        /// 169.254.0.0/16 (cloud metadata lives there) and fe80::/10.
        case linkLocal = "link-local"
        case unspecified
        case multicast
        /// 0.0.0.0/8, 192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4 (broadcast included), fec0::/10.
        case reserved

        public var description: String { rawValue }
    }

    public var classification: Classification {
        if bytes.count == 4 { return Self.classifyV4(bytes) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return Self.classifyV4(Array(bytes[12...]))
        }
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        switch (bytes[0], bytes[1] & 0xc0) {
        case (0xff, _): return .multicast
        case (0xfe, 0x80): return .linkLocal
        case (0xfe, 0xc0): return .reserved
        case (0xfc, _), (0xfd, _): return .privateNetwork
        default: return .publicUnicast
        }
    }

    private static func classifyV4(_ b: [UInt8]) -> Classification {
        switch (b[0], b[1]) {
        case (0, _) where b == [0, 0, 0, 0]: return .unspecified
        case (0, _): return .reserved
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168), (100, 64...127): return .privateNetwork
        case (169, 254): return .linkLocal
        case (192, 0) where b[2] == 0, (198, 18...19): return .reserved
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return .publicUnicast
        }
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Resolution

    /// Why a host did not resolve, in getaddrinfo's words.
    public struct ResolveError: Error, Sendable {
        public let message: String
    }

    /// Every address `host` resolves to (a literal IP resolves to itself).
    /// getaddrinfo blocks, so it runs on Dispatch's global queue: never on an
    /// event loop, never on a Swift concurrency thread.
    public static func resolve(_ host: String) async throws(ResolveError) -> [IPAddress] {
        let result: Result<[IPAddress], ResolveError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolveBlocking(host)) }
        }
        return try result.get()
    }

    private static func resolveBlocking(_ host: String) -> Result<[IPAddress], ResolveError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { return .failure(ResolveError(message: String(cString: gai_strerror(status)))) }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var node = list
        while let entry = node?.pointee {
            if let address = entry.ai_addr, let parsed = IPAddress(socketAddress: address, family: entry.ai_family),
                !addresses.contains(parsed)
            {
                addresses.append(parsed)
            }
            node = entry.ai_next
        }
        return addresses.isEmpty ? .failure(ResolveError(message: "no addresses")) : .success(addresses)
    }

    private init?(socketAddress: UnsafeMutablePointer<sockaddr>, family: Int32) {
        switch family {
        case AF_INET:
            let raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            self.init(bytes: withUnsafeBytes(of: raw) { Array($0) })
        case AF_INET6:
            let raw = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            self.init(bytes: withUnsafeBytes(of: raw) { Array($0) })
        default:
            return nil
        }
    }
}
