import Testing

@testable import Jobs

@Suite struct WildcardPatternTests {
    /// The obvious recursive definition, exponential at worst: the reference on small inputs.
    func reference(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>, anyOne: UInt8?) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == UInt8(ascii: "*") {
            return (text.startIndex...text.endIndex).contains { reference(pattern.dropFirst(), text[$0...], anyOne: anyOne) }
        }
        guard let head = text.first, head == first || first == anyOne else { return false }
        return reference(pattern.dropFirst(), text.dropFirst(), anyOne: anyOne)
    }

    /// Every pattern and text over a small alphabet, up to a few bytes, against the reference.
    @Test func agreesWithTheReferenceOnEverySmallCase() {
        let alphabet: [UInt8] = Array("ab*?".utf8)
        var patterns: [[UInt8]] = [[]]
        for _ in 0..<4 { patterns += patterns.filter { $0.count == patterns.last!.count }.flatMap { p in alphabet.map { p + [$0] } } }
        var texts: [[UInt8]] = [[]]
        for _ in 0..<5 { texts += texts.filter { $0.count == texts.last!.count }.flatMap { t in Array("ab".utf8).map { t + [$0] } } }
        for pattern in patterns {
            let glob = WildcardPattern(pattern, anyOne: UInt8(ascii: "?"))
            let prefix = WildcardPattern(pattern, prefix: true)
            for text in texts {
                #expect(glob.matches(text) == reference(pattern[...], text[...], anyOne: UInt8(ascii: "?")), "\(pattern) \(text)")
                #expect(prefix.matches(text) == reference((pattern + Array("*".utf8))[...], text[...], anyOne: nil), "\(pattern) \(text)")
            }
        }
    }

    /// Long patterns span several 64-bit words, and a pattern may use all 256 byte values.
    @Test func longPatternsAndEveryByteValue() {
        let long = WildcardPattern(Array(String(repeating: "*a", count: 500).utf8) + Array("*b".utf8))
        #expect(long.matches(Array(String(repeating: "xa", count: 600).utf8) + [UInt8(ascii: "b")]))
        #expect(!long.matches(Array(String(repeating: "a", count: 499).utf8) + [UInt8(ascii: "b")]))
        #expect(!long.matches(Array(String(repeating: "a", count: 8_000).utf8)))
        let everyByte = (0...255).map(UInt8.init).filter { $0 != UInt8(ascii: "*") }
        let exact = WildcardPattern(everyByte)
        #expect(exact.matches(everyByte))
        #expect(!exact.matches(Array(everyByte.reversed())))
    }
}
