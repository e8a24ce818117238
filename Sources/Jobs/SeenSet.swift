import FoundationEssentials

/// The URLs a job has already admitted, kept as 64-bit keyed hashes of their normal form.
///
/// A million URLs must fit in far less than 100 MB, so the set stores only a
/// hash per URL (`Benchmarks/scripts/jobs.sh` measures it; docs/benchmarks.md
/// has the figures). The hash is SipHash-2-4
/// under a random 128-bit key drawn per job and kept in its checkpoint, so a
/// resumed job hashes alike while no website can compute which of its URLs
/// collide: an unkeyed hash (FNV, before) let a site hide pages behind
/// crafted URLs. The price is a false "seen" with probability about
/// n² / 2⁶⁵ (3·10⁻⁸ at a million URLs), which skips one page; it never fetches
/// a page twice.
public struct SeenSet: Sendable, Equatable {
    private enum Hashing: Sendable, Equatable {
        case keyed(SipHash)
        /// Unkeyed FNV-1a, for checkpoints written before keys existed (no `seen_key`).
        case legacyFNV
    }

    private let hashing: Hashing
    private var hashes: Set<UInt64>

    /// An empty set under a fresh random key.
    public init() {
        hashing = .keyed(SipHash(k0: .random(in: .min ... .max), k1: .random(in: .min ... .max)))
        hashes = []
    }

    public var count: Int { hashes.count }

    /// Adds `url`; returns false when it was already there.
    @discardableResult
    public mutating func insert(_ url: String) -> Bool {
        hashes.insert(hash(url)).inserted
    }

    public func contains(_ url: String) -> Bool { hashes.contains(hash(url)) }

    private func hash(_ url: String) -> UInt64 {
        switch hashing {
        case .keyed(let sip): return sip.hash(url)
        case .legacyFNV: return Self.fnv(url)
        }
    }

    /// FNV-1a with a murmur3 finaliser: the hash of checkpoints from before keys.
    private static func fnv(_ text: String) -> UInt64 {
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

    /// The key as 32 hex digits (nil for a legacy set): the checkpoint's `seen_key`.
    public var encodedKey: String? {
        guard case .keyed(let sip) = hashing else { return nil }
        return Self.hex(sip.k0) + Self.hex(sip.k1)
    }

    /// The hashes as base64 of little-endian 8-byte words (about 11 bytes per URL of JSON).
    public var encoded: String {
        var data = Data(capacity: hashes.count * 8)
        for var h in hashes {
            h = h.littleEndian
            withUnsafeBytes(of: &h) { data.append(contentsOf: $0) }
        }
        return data.base64EncodedString()
    }

    /// Restores a set from `encoded` and its `key` (nil: a checkpoint from before keys);
    /// nil when either is not such an encoding.
    public init?(encoded: String, key: String?) {
        guard let data = Data(base64Encoded: encoded), data.count % 8 == 0 else { return nil }
        if let key {
            let digits = Array(key.utf8)
            guard digits.count == 32, let k0 = UInt64(String(decoding: digits[..<16], as: UTF8.self), radix: 16),
                let k1 = UInt64(String(decoding: digits[16...], as: UTF8.self), radix: 16)
            else { return nil }
            hashing = .keyed(SipHash(k0: k0, k1: k1))
        } else {
            hashing = .legacyFNV
        }
        var hashes = Set<UInt64>(minimumCapacity: data.count / 8)
        data.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                hashes.insert(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            }
        }
        self.hashes = hashes
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
