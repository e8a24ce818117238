/// Matching of `*` wildcards, shared by URL globs and robots.txt rules.
enum Wildcard {
    /// Whether `pattern` matches all of `text`: `*` matches any run of bytes,
    /// `anyOne` (when given) exactly one byte, any other byte itself.
    ///
    /// The classic two-pointer walk that backtracks only to the last `*`:
    /// O(pattern × text) at worst, never exponential, whatever a client sends.
    static func matches(_ pattern: [UInt8], _ text: [UInt8], anyOne: UInt8? = nil) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != star, pattern[p] == text[t] || pattern[p] == anyOne {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == star {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
