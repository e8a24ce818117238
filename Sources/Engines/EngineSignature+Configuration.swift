import JSON
import Pool

extension EngineSignature {
    /// The signature of a configuration of `kind` whose canonical form is
    /// `canonical`: equal configurations (after canonicalisation) have equal
    /// signatures, on every machine and every run.
    ///
    /// The hash input is the kind, a newline, then the compact JSON text of
    /// the configuration with keys sorted at every depth
    /// (`JSONValue.sortingKeys()`). It is hashed twice with 64-bit FNV-1a,
    /// from the standard offset basis and from a second one, each result
    /// passed through MurmurHash3's 64-bit finaliser so that nearby inputs
    /// spread over all bits: 32 lowercase hex digits.
    ///
    /// Not a cryptographic hash (the package has no crypto library and needs
    /// none here): it tells configurations apart, it authenticates nothing. A
    /// client able to send a config can already choose any config.
    public init(kind: String, canonical: JSONValue) {
        var text: [UInt8] = Array(kind.utf8)
        text.append(UInt8(ascii: "\n"))
        canonical.sortingKeys().encode(into: &text)
        let first = Self.mix(Self.fnv1a(text, basis: 0xcbf2_9ce4_8422_2325))
        let second = Self.mix(Self.fnv1a(text, basis: 0x6c62_272e_07bb_0142))
        // Two 16-digit hex halves always make valid hex of 32 digits.
        self.init(hex: Self.hex16(first) + Self.hex16(second))!
    }

    private static func fnv1a(_ bytes: [UInt8], basis: UInt64) -> UInt64 {
        var hash = basis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// MurmurHash3's fmix64: every input bit affects every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
