/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash for hash
/// tables whose keys an attacker chooses.
///
/// Without the 128-bit key, nobody can predict which inputs collide, so a
/// website cannot craft URLs that hide each other in a job's seen-set (as it
/// could with FNV). Written here rather than taken from swift-crypto: the
/// seen-set needs this one function, SipHash is not in swift-crypto's API
/// (an HMAC-SHA256 would cost several times as much per URL), and the
/// reference vectors in `SeenSetTests` pin it. Swift's own `Hasher` is
/// SipHash too, but its seed is per process and cannot be restored from a
/// checkpoint.
struct SipHash: Sendable, Equatable {
    let k0: UInt64
    let k1: UInt64

    /// The hash of `text`'s UTF-8 under this key, read in place.
    func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// The hash of `bytes` under this key, read eight bytes at a time (one
    /// at a time, a URL's hash was most of the seen-set's cost a page).
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var v0 = k0 ^ 0x736f_6d65_7073_6575
        var v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261
        var v3 = k1 ^ 0x7465_6462_7974_6573

        @inline(__always) func round() {
            v0 &+= v1; v1 = rotate(v1, 13); v1 ^= v0; v0 = rotate(v0, 32)
            v2 &+= v3; v3 = rotate(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotate(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotate(v1, 17); v1 ^= v2; v2 = rotate(v2, 32)
        }
        @inline(__always) func compress(_ m: UInt64) {
            v3 ^= m
            round()
            round()
            v0 ^= m
        }

        let whole = bytes.count & ~7
        for offset in stride(from: 0, to: whole, by: 8) {
            compress(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
        var tail = UInt64(truncatingIfNeeded: bytes.count) << 56
        for offset in whole..<bytes.count {
            tail |= UInt64(bytes[offset]) << UInt64(8 * (offset - whole))
        }
        compress(tail)
        v2 ^= 0xff
        for _ in 0..<4 { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }

    @inline(__always) private func rotate(_ x: UInt64, _ bits: UInt64) -> UInt64 {
        x << bits | x >> (64 - bits)
    }
}
