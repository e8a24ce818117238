import Glibc

/// The title and links of a page read straight from its bytes, with no libxml2 parser at all,
/// for the markup a crawl meets on nearly every page; nil on markup it cannot vouch for, and
/// then `PageOutline` reads the page with libxml2's streaming pass instead.
///
/// Why: a crawl job without extraction keeps only a page's title and links, and libxml2's
/// streaming pass (tokenising every text run and attribute, calling back per element) was half
/// of such a page's CPU (docs/benchmarks.md, issue 25). This walk jumps from `<` to `<` and
/// looks only at tags.
///
/// The answer must be libxml2 2.9's to the byte, so the scanner follows its HTML parser
/// (`HTMLparser.c`, with `HTMLDocument.parseOptions`) where that parser is plain, and defers
/// (answers nil) wherever it recovers from markup in ways not copied here:
/// - bytes libxml2 does not take as characters (controls other than tab, LF and CR; U+FFFE,
///   U+FFFF) and a byte order mark left after `HTMLCharset` took off the first;
/// - before the first `<title>`, anything but blanks, comments, processing instructions, a
///   doctype and the start tags `html`, `head`, `meta`, `link`, `script`, `style` (so that
///   title is `/html/head/title`, which wins); a title that holds markup, a carriage return,
///   only blanks, or never ends;
/// - `<base>` anywhere (the base URL rules stay with libxml2's pass);
/// - a `<` followed by anything but a letter, `/`, `!`, `?`, a blank, a digit, `=`, `<` or
///   `>`; `</` without a letter; `<!` that is neither a comment nor a doctype; a comment that
///   starts with `>` or `->` or holds `--!>`; a doctype right after another; anything
///   unterminated;
/// - a tag with a name of 100 bytes or more or holding `:`, an attribute name not starting
///   with a letter, an empty unquoted value, a `/` not followed by `>`; in the text of a
///   `<script>` or `<style>`, an end tag other than its own;
/// - in an `href` or the title, a character reference without its `;` or not a character, a
///   named reference whose name runs into non-ASCII or the end of the page, a carriage return.
///
/// Three checks hold it to libxml2: PageOutlineTests (each case read by both), HTMLBench over
/// both docs corpora, and the `page-outline` fuzz target (random markup, both readers).
struct OutlineScanner {
    struct Outline {
        /// The title's text, whitespace collapsed (`PageRules.nonEmpty`).
        let title: String
        /// The `<a href>` values in document order, as `HrefCollector` keeps them.
        let hrefs: [String]
    }

    /// Thrown where the scanner defers to libxml2.
    struct Deferred: Error {}

    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    /// Reads UTF-8 `utf8` (as `HTMLCharset.withUTF8` hands it), or nil to defer.
    static func scan(_ utf8: UnsafeRawBufferPointer) -> Outline? {
        var scanner = OutlineScanner(bytes: utf8.assumingMemoryBound(to: UInt8.self))
        guard scanner.charactersAreLibxml2s() else { return nil }
        do {
            let title = try scanner.headTitle()
            var hrefs = HrefCollector()
            try scanner.body(into: &hrefs)
            return Outline(title: title, hrefs: hrefs.hrefs)
        } catch {
            return nil
        }
    }

    // MARK: - The document

    /// Whether every byte is one libxml2 reads as a character: its loops stop at a NUL, and a
    /// comment or script with an invalid character ends early.
    ///
    /// Eight bytes at a time: a word with no byte below 0x20 and none equal to 0xEF (the lead
    /// byte of U+FFFE and U+FFFF) needs no closer look, and most words of a page are such; the
    /// byte-by-byte loop was a twentieth of a job page's CPU (docs/benchmarks.md, 2026-12-06).
    private func charactersAreLibxml2s() -> Bool {
        let count = bytes.count
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return false }
        var index = 0
        if let start = bytes.baseAddress {
            let raw = UnsafeRawPointer(start)
            while index + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                var flagged = Self.controlOrEFFlags(word)
                while flagged != 0 {
                    guard isLibxml2Character(at: index + flagged.trailingZeroBitCount / 8) else { return false }
                    flagged &= flagged &- 1
                }
                index += 8
            }
        }
        while index < count {
            guard isLibxml2Character(at: index) else { return false }
            index += 1
        }
        return true
    }

    /// The high bit of each byte of the word that is below 0x20 or equal to 0xEF, and perhaps of
    /// a byte above one that is (the bit trick's borrow), never of others: only those bytes need
    /// a closer look, and most words of a page have none; a docs page's words that do hold one
    /// hold a single line break.
    private static func controlOrEFFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- ones &* 0x20) & ~word & highs
        let xorEF = word ^ (ones &* 0xEF)
        let isEF = (xorEF &- ones) & ~xorEF & highs
        return below20 | isEF
    }

    /// Whether libxml2 reads the byte at `index` as (part of) a character.
    private func isLibxml2Character(at index: Int) -> Bool {
        let byte = bytes[index]
        if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
        // U+FFFE and U+FFFF: EF BF BE, EF BF BF.
        return !(byte == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE)
    }

    /// Reads up to the end of the first `<title>` and returns its text; it is `/html/head`'s
    /// child, since only head markup comes before it.
    private mutating func headTitle() throws(Deferred) -> String {
        while true {
            skipBlanks()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "<") else { throw Deferred() }
            switch try markup() {
            case .start(.title, selfClosing: false, _):
                return try titleText()
            case .start(.html, selfClosing: false, _), .start(.head, selfClosing: false, _), .start(.meta, _, _), .start(.link, _, _):
                continue
            case .start(let raw, let selfClosing, _) where raw == .script || raw == .style:
                if !selfClosing { try skipRawText(raw) }
            case .skipped:
                continue
            default:
                throw Deferred()
            }
        }
    }

    /// The title's text up to `</title>`, references replaced, whitespace collapsed.
    private mutating func titleText() throws(Deferred) -> String {
        guard let end = find(UInt8(ascii: "<"), from: at) else { throw Deferred() }
        let text = try decoded(at..<end)
        at = end
        guard case .end(.title) = try markup(), let title = PageRules.nonEmpty(text) else { throw Deferred() }
        return title
    }

    /// Every `<a href>` from here to the end of the page.
    private mutating func body(into hrefs: inout HrefCollector) throws(Deferred) {
        while let open = find(UInt8(ascii: "<"), from: at) {
            at = open
            switch try markup() {
            case .start(.anchor, _, let href?):
                hrefs.add(decoded: href)
            case .start(let raw, selfClosing: false, _) where raw == .script || raw == .style:
                try skipRawText(raw)
            case .start(.base, _, _):
                throw Deferred()
            default:
                continue
            }
        }
    }

    /// Skips the text of a `<script>` or `<style>`, which libxml2 ends at `</` followed by a
    /// letter; an end tag other than the element's own then goes through its end-tag recovery,
    /// which this scanner defers to.
    private mutating func skipRawText(_ tag: TagName) throws(Deferred) {
        while let open = find(UInt8(ascii: "<"), from: at) {
            at = open + 1
            guard open + 2 < bytes.count, bytes[open + 1] == UInt8(ascii: "/"), Self.isLetter(bytes[open + 2]) else { continue }
            at = open
            guard case .end(tag) = try markup() else { throw Deferred() }
            return
        }
        at = bytes.count
    }

    // MARK: - Bytes

    mutating func skipBlanks() {
        while at < bytes.count, Self.isBlank(bytes[at]) { at += 1 }
    }

    /// The index of the first `byte` at or after `start`.
    func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
    }

    /// libxml2's `IS_BLANK_CH`.
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
