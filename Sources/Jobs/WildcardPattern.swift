/// A `*` pattern compiled once and matched in time linear in the text, for
/// URL globs (`include` / `exclude`) and robots.txt rules alike.
///
/// Why linear: patterns come from clients and websites, and a backtracking
/// matcher costs pattern × text on inputs such as `*a*a*a…b` against
/// `aaaa…`; two jobs of such globs once left `ping` unanswered for seconds.
/// Here the pattern is a nondeterministic automaton simulated bit-parallel
/// (Shift-And, with `*` as a self-loop): state `i` means "the first `i`
/// non-star items matched", one bit each. Each text byte costs one pass over
/// ⌈(items + 1) / 64⌉ words, so a match costs O(text × pattern / 64), with no
/// backtracking, and stops as soon as no state is alive (or, for a prefix
/// pattern, as soon as the whole pattern matched).
///
/// Memory: a 256-entry byte class table plus one mask per distinct byte of the
/// pattern (and one for every other byte), each ⌈(items + 1) / 64⌉ words: about
/// 3 KB for a 100-byte pattern, at most ~35 KB for a 1 KiB one.
struct WildcardPattern: Sendable, Equatable {
    /// The class of each byte value: an index into `masks` (in steps of `words`).
    private let classOf: [UInt8]
    /// Per class, the states that a byte of that class advances into.
    private let masks: [UInt64]
    /// The states followed by `*`: they stay alive on any byte.
    private let stars: [UInt64]
    private let words: Int
    /// Machine words one text byte costs to match (`MatchingThread`'s unit of work).
    var wordsPerByte: Int { words }
    /// The state reached when every item matched.
    private let accept: Int
    /// Whether the pattern ends with `*` (or is a prefix match): reaching `accept` suffices.
    private let open: Bool

    /// Compiles `pattern`: `*` matches any run of bytes, `anyOne` (when given)
    /// exactly one byte, any other byte itself.
    /// - Parameter prefix: match the start of the text only, as if the pattern ended with `*`.
    init(_ pattern: some Sequence<UInt8>, anyOne: UInt8? = nil, prefix: Bool = false) {
        let star = UInt8(ascii: "*")
        var items: [UInt8?] = []
        var starStates: [Int] = []
        for byte in pattern {
            if byte == star {
                if starStates.last != items.count { starStates.append(items.count) }
            } else {
                items.append(byte == anyOne ? nil : byte)
            }
        }
        if prefix, starStates.last != items.count { starStates.append(items.count) }
        let distinct = Set(items.compactMap { $0 }).sorted()
        // Class 0 is "any byte not in the pattern", unless the pattern holds all 256.
        let first = distinct.count == 256 ? 0 : 1
        var classOf = [UInt8](repeating: 0, count: 256)
        for (index, byte) in distinct.enumerated() { classOf[Int(byte)] = UInt8(index + first) }
        let classes = distinct.count + first
        let words = (items.count + 1 + 63) / 64
        var masks = [UInt64](repeating: 0, count: classes * words)
        for (index, item) in items.enumerated() {
            let state = index + 1
            let bit = UInt64(1) << UInt64(state & 63)
            if let byte = item {
                masks[Int(classOf[Int(byte)]) * words + state >> 6] |= bit
            } else {
                for c in 0..<classes { masks[c * words + state >> 6] |= bit }
            }
        }
        var stars = [UInt64](repeating: 0, count: words)
        for state in starStates { stars[state >> 6] |= UInt64(1) << UInt64(state & 63) }
        self.classOf = classOf
        self.masks = masks
        self.stars = stars
        self.words = words
        self.accept = items.count
        self.open = starStates.last == items.count
    }

    /// Whether the pattern matches all of `text` (its start, for a prefix pattern).
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    /// Whether the pattern matches all of `bytes` (their start, for a prefix pattern).
    func matches(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { matches(bytes: $0) }
    }

    private func matches(bytes text: UnsafeBufferPointer<UInt8>) -> Bool {
        let words = self.words
        let acceptWord = accept >> 6
        let acceptBit = UInt64(1) << UInt64(accept & 63)
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { states in
            states.initialize(repeating: 0)
            states[0] = 1
            if open, states[acceptWord] & acceptBit != 0 { return true }
            return classOf.withUnsafeBufferPointer { classOf in
                masks.withUnsafeBufferPointer { masks in
                    stars.withUnsafeBufferPointer { stars in
                        for byte in text {
                            let base = Int(classOf[Int(byte)]) &* words
                            var carry: UInt64 = 0
                            var alive: UInt64 = 0
                            for w in 0..<words {
                                let current = states[w]
                                let next = ((current << 1 | carry) & masks[base &+ w]) | (current & stars[w])
                                carry = current >> 63
                                states[w] = next
                                alive |= next
                            }
                            if alive == 0 { return false }
                            if open, states[acceptWord] & acceptBit != 0 { return true }
                        }
                        return states[acceptWord] & acceptBit != 0
                    }
                }
            }
        }
    }
}
