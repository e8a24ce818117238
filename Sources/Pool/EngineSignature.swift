/// The key of an engine in the pool: a hash of the engine's configuration in
/// canonical form (sorted keys, defaults filled in).
///
/// The Engines module computes the hash; the pool only keys by it, so two
/// requests with equal configurations always share one engine. Answers show
/// `short` (`pool.sig`), and `pool.kill` accepts it as a prefix.
public struct EngineSignature: Hashable, Sendable, CustomStringConvertible {
    /// The whole signature, lowercase hex.
    public let hex: String

    /// Creates a signature from a hex digest.
    ///
    /// - Parameter hex: at least 8 hex digits; upper case is folded to lower.
    /// - Returns: `nil` if `hex` is shorter than 8 characters or not hex.
    public init?(hex: String) {
        let lowered = hex.lowercased()
        guard lowered.utf8.count >= 8, lowered.utf8.allSatisfy(Self.isHexDigit) else { return nil }
        self.hex = lowered
    }

    /// The first 8 hex digits: what answers and `monitor.pool` show.
    public var short: String { String(hex.prefix(8)) }

    public var description: String { short }

    /// Whether `prefix` (any case) starts this signature; the empty prefix matches nothing.
    public func matches(prefix: String) -> Bool {
        !prefix.isEmpty && hex.hasPrefix(prefix.lowercased())
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }
}
