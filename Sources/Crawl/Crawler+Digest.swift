import Crypto

extension Crawler {
    /// The SHA-256 of `body` in lowercase hex: what a recrawl compares to tell
    /// a changed page from one served again unchanged without validators.
    static func sha256(_ body: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: body) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
