import FoundationEssentials

/// The URLs a job has already admitted, kept as 64-bit hashes of their normal form.
///
/// A million URLs must fit in far less than 100 MB, so the set stores only a
/// hash per URL: 1,000,000 URLs take 18.3 MB of resident memory (measured by
/// Benchmarks' CrawlBench), 10 MB in a checkpoint. The hash is FNV-1a with a
/// murmur3 finaliser, stable across runs (unlike `Hasher`), so a checkpoint
/// restores it exactly. The price is a false "seen" with probability about
/// n² / 2⁶⁵ (3·10⁻⁸ at a million URLs), which skips one page; it never fetches
/// a page twice.
public struct SeenSet: Sendable, Equatable {
    private var hashes: Set<UInt64>

    public init() { hashes = [] }

    public var count: Int { hashes.count }

    /// Adds `url`; returns false when it was already there.
    @discardableResult
    public mutating func insert(_ url: String) -> Bool {
        hashes.insert(Self.hash(url)).inserted
    }

    public func contains(_ url: String) -> Bool { hashes.contains(Self.hash(url)) }

    /// The stable 64-bit hash of a URL string.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    // MARK: - Checkpoint form

    /// The hashes as base64 of little-endian 8-byte words (about 11 bytes per URL of JSON).
    public var encoded: String {
        var data = Data(capacity: hashes.count * 8)
        for var h in hashes {
            h = h.littleEndian
            withUnsafeBytes(of: &h) { data.append(contentsOf: $0) }
        }
        return data.base64EncodedString()
    }

    /// Restores a set from `encoded`; nil when the text is not such an encoding.
    public init?(encoded: String) {
        guard let data = Data(base64Encoded: encoded), data.count % 8 == 0 else { return nil }
        var hashes = Set<UInt64>(minimumCapacity: data.count / 8)
        data.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                hashes.insert(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            }
        }
        self.hashes = hashes
    }
}
