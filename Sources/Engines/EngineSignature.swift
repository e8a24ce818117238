import JSON

/// A stable name for an engine configuration: equal configurations (after
/// canonicalisation) have equal signatures, on every machine and every run.
///
/// The hash input is the kind, a newline, then the canonical JSON text of the
/// configuration (keys sorted by UTF-8 bytes at every depth, no whitespace,
/// integers in decimal, doubles in Swift's shortest round-trip form, strings
/// escaped as JSON). It is hashed twice with 64-bit FNV-1a, once from the
/// standard offset basis and once from a second basis, each result passed
/// through the MurmurHash3 64-bit finaliser so that nearby inputs spread over
/// all bits; the two are written as 32 lowercase hex digits.
///
/// This is not a cryptographic hash (the package has no crypto library and
/// needs none here): it tells configurations apart, it does not authenticate
/// them. A client able to send a config can already choose any config.
public struct EngineSignature: Hashable, Sendable, CustomStringConvertible {
    /// The whole signature: 32 lowercase hex digits.
    public let hex: String

    /// The first 8 hex digits, as answers and `monitor.pool` show it.
    public var short: String { String(hex.prefix(8)) }

    public var description: String { hex }

    /// The signature of a configuration of `kind` whose canonical form is `canonical`.
    /// Key order in `canonical` does not matter: keys are sorted here again.
    public init(kind: String, canonical: JSONValue) {
        var text: [UInt8] = Array(kind.utf8)
        text.append(UInt8(ascii: "\n"))
        Self.appendCanonical(canonical, to: &text)
        let first = Self.mix(Self.fnv1a(text, basis: 0xcbf2_9ce4_8422_2325))
        let second = Self.mix(Self.fnv1a(text, basis: 0x6c62_272e_07bb_0142))
        hex = Self.hex16(first) + Self.hex16(second)
    }

    /// Whether `text` names this signature: the whole hex, or a prefix of at
    /// least 8 digits (what `pool.kill` and `pool.restart` accept). Case is ignored.
    public func matches(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.count >= 8 && hex.hasPrefix(lowered)
    }

    // MARK: - Hashing

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

    // MARK: - Canonical text

    private static func appendCanonical(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .double(let d): out += Array(d.description.utf8)
        case .string(let s): appendString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendCanonical(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendCanonical(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                let code = String(byte, radix: 16)
                out += Array(("\\u" + String(repeating: "0", count: 4 - code.count) + code).utf8)
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
