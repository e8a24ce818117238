extension JSONValue {
    /// The compact JSON text of this value: no spaces, no newline, keys in
    /// their insertion order. Non-finite doubles (which JSON cannot carry)
    /// are written as `null`.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        encode(into: &output)
        return output
    }

    /// The compact JSON text of this value, as a String.
    public func encodedString() -> String {
        String(decoding: encoded(), as: UTF8.self)
    }

    /// Appends the compact JSON text of this value to `output`.
    public func encode(into output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let b):
            output.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i):
            output.append(contentsOf: String(i).utf8)
        case .double(let d):
            Self.encodeDouble(d, into: &output)
        case .string(let s):
            Self.encodeString(s, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (n, element) in elements.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                element.encode(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in members {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                Self.encodeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                value.encode(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func encodeDouble(_ d: Double, into output: inout [UInt8]) {
        guard d.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        // Swift prints the shortest text that reads back as the same double
        // ("0.1", "1e-05", "-0.0"), all of it valid JSON.
        output.append(contentsOf: d.description.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `s` quoted and escaped. Bytes that need no escape (nearly all of
    /// them: links, titles, text) are copied in runs, not one `append` each:
    /// a crawl answer is mostly strings, and the byte loop was most of its
    /// encoding time.
    private static func encodeString(_ s: String, into output: inout [UInt8]) {
        var s = s
        s.withUTF8 { bytes in
            output.append(UInt8(ascii: "\""))
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            output.append(UInt8(ascii: "\""))
        }
    }
}
