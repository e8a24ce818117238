/// The one token comparison of both transports (the `auth` op and the HTTP
/// side's `Authorization: Bearer`).
public enum TokenComparison {
    /// Compares every byte of the expected token whatever the guess's
    /// length, folding differences with OR: the time depends only on the
    /// expected token's length, never on where a guess first differs.
    public static func equal(_ guess: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = guess.count == expected.count ? 0 : 1
        for i in 0..<expected.count {
            let x = i < guess.count ? guess[i] : 0
            difference |= x ^ expected[i]
        }
        return difference == 0
    }
}
