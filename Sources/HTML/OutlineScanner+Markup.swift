internal import CLibXML2

/// Tags, comments, declarations and references, each read as libxml2 2.9's HTML parser reads
/// it when the markup is plain, and `Deferred` where it is not (see `OutlineScanner`).
extension OutlineScanner {
    /// The elements the scanner tells apart; every other name is `.other`.
    enum TagName: Equatable {
        case anchor, base, head, html, link, meta, script, style, title, other

        /// The element whose name has `key` (`nameKey`: in any case, as libxml2 lowercases
        /// names). The cases are the names' keys spelled out, so that the compiler can branch on
        /// them; a table built at run time cost a `swift_once` and a search a tag.
        init(key: UInt64?) {
            switch key {
            case 0x0100_0000_0000_0061: self = .anchor
            case 0x0400_0000_6573_6162: self = .base
            case 0x0400_0000_6461_6568: self = .head
            case 0x0400_0000_6C6D_7468: self = .html
            case 0x0400_0000_6B6E_696C: self = .link
            case 0x0400_0000_6174_656D: self = .meta
            case 0x0600_7470_6972_6373: self = .script
            case 0x0500_0065_6C79_7473: self = .style
            case 0x0500_0065_6C74_6974: self = .title
            default: self = .other
            }
        }
    }

    enum Markup {
        /// A start tag; `href` is the first `href` of an `<a>`, "" when it has no value.
        case start(TagName, selfClosing: Bool, href: String?)
        case end(TagName)
        /// A comment, a processing instruction or a doctype.
        case skipped
        /// A `<` that is text.
        case text
    }

    /// Reads the markup at `at` (a `<`) and moves past it.
    mutating func markup() throws(Deferred) -> Markup {
        let next = at + 1 < bytes.count ? bytes[at + 1] : UInt8(ascii: " ")
        if Self.isLetter(next) { return try startTag() }
        switch next {
        case UInt8(ascii: "/"):
            guard at + 2 < bytes.count, Self.isLetter(bytes[at + 2]) else { throw Deferred() }
            at += 2
            let tag = TagName(key: try tagKey())
            skipBlanks()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ">") else { throw Deferred() }
            at += 1
            return .end(tag)
        case UInt8(ascii: "!"):
            return try declaration()
        case UInt8(ascii: "?"):
            // A processing instruction ends at the first `>` (HTML's, not XML's `?>`).
            guard at + 2 < bytes.count, Self.isLetter(bytes[at + 2]), let end = find(UInt8(ascii: ">"), from: at + 2) else { throw Deferred() }
            at = end + 1
            return .skipped
        case _ where Self.isBlank(next) || Self.isDigit(next) || next == UInt8(ascii: "=") || next == UInt8(ascii: "<") || next == UInt8(ascii: ">"):
            at += 1
            return .text
        default:
            throw Deferred()
        }
    }

    /// A start tag: its name, its attributes (only an anchor's `href` is decoded; libxml2 keeps
    /// the first of a repeated attribute), and how it ends.
    private mutating func startTag() throws(Deferred) -> Markup {
        at += 1
        let tag = TagName(key: try tagKey())
        var href: String?
        while true {
            skipBlanks()
            guard at < bytes.count else { throw Deferred() }
            let byte = bytes[at]
            if byte == UInt8(ascii: ">") {
                at += 1
                return .start(tag, selfClosing: false, href: href)
            }
            if byte == UInt8(ascii: "/") {
                guard at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: ">") else { throw Deferred() }
                at += 2
                return .start(tag, selfClosing: true, href: href)
            }
            guard Self.isLetter(byte) else { throw Deferred() }
            let attribute = try name()
            skipBlanks()
            var value: Range<Int>?
            if at < bytes.count, bytes[at] == UInt8(ascii: "=") {
                at += 1
                skipBlanks()
                value = try attributeValue()
            }
            if tag == .anchor, href == nil, Self.nameKey(attribute) == Self.hrefKey {
                if let value { href = try decoded(value) } else { href = "" }
            }
        }
    }

    /// A tag's name, as its key (`nameKey`). libxml2 2.9 drops a tag's prefix (`<o:p>` is a
    /// `p`, `<x:a href>` a link, `<a:b:c>` a `b:c`) and keeps an attribute's; this scanner does
    /// not copy that, so a tag name holding `:` defers (found by fuzzing).
    private mutating func tagKey() throws(Deferred) -> UInt64? {
        let name = try name()
        guard !name.contains(UInt8(ascii: ":")) else { throw Deferred() }
        return Self.nameKey(name)
    }

    /// A tag or attribute name (libxml2's `htmlParseHTMLName`, which cuts names at 100 bytes).
    private mutating func name() throws(Deferred) -> UnsafeBufferPointer<UInt8> {
        let start = at
        var end = start
        while end < bytes.count, Self.isNameByte(bytes[end]) { end += 1 }
        guard end - start < 100 else { throw Deferred() }
        at = end
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The bytes of a quoted or unquoted attribute value, references not yet replaced.
    private mutating func attributeValue() throws(Deferred) -> Range<Int> {
        guard at < bytes.count else { throw Deferred() }
        let quote = bytes[at]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            guard let close = find(quote, from: at + 1) else { throw Deferred() }
            defer { at = close + 1 }
            return at + 1..<close
        }
        let start = at
        while at < bytes.count, !Self.isBlank(bytes[at]), bytes[at] != UInt8(ascii: ">") { at += 1 }
        guard at > start else { throw Deferred() }
        return start..<at
    }

    /// `<!--` comments and `<!DOCTYPE`; any other `<!` defers.
    private mutating func declaration() throws(Deferred) -> Markup {
        let rest = bytes.count - at
        if rest >= 4 && bytes[at + 2] == UInt8(ascii: "-") && bytes[at + 3] == UInt8(ascii: "-") {
            let content = at + 4
            // libxml2 2.9 ends a comment at the first `-->` after `<!--`; HTML5's `<!-->`,
            // `<!--->` and `--!>` endings are where parsers differ.
            guard content < bytes.count, bytes[content] != UInt8(ascii: ">"),
                !(bytes[content] == UInt8(ascii: "-") && content + 1 < bytes.count && bytes[content + 1] == UInt8(ascii: ">")),
                let end = find("-->", in: content..<bytes.count), find("--!>", in: content..<end) == nil
            else { throw Deferred() }
            at = end + 3
            return .skipped
        }
        guard isDoctype(at) else { throw Deferred() }
        // Its public and system literals are quoted and may not hold the `>` that ends it.
        var quote: UInt8?
        for index in (at + 9)..<bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil } else if byte == UInt8(ascii: ">") { throw Deferred() }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                at = index + 1
                // A doctype after the prolog's is read by libxml2's content loop, which then
                // takes a `<!` right after it that is not a comment as text: a doctype at once
                // after another is no doctype, and its tags are live (found by fuzzing).
                if isDoctype(at) { throw Deferred() }
                return .skipped
            }
        }
        throw Deferred()
    }

    /// Whether `<!DOCTYPE`, in any case, starts at `start`.
    private func isDoctype(_ start: Int) -> Bool {
        bytes.count - start >= 9 && bytes[start] == UInt8(ascii: "<") && bytes[start + 1] == UInt8(ascii: "!")
            && zip("DOCTYPE".utf8, bytes[(start + 2)...]).allSatisfy { $0 == ($1 & ~0x20) }
    }

    /// The text of `range` with character and entity references replaced as libxml2 replaces
    /// them (an unknown name, or a known one without `;`, stays as written).
    func decoded(_ range: Range<Int>) throws(Deferred) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        if slice.firstIndex(where: { $0 == UInt8(ascii: "&") || $0 == 0x0D }) == nil { return String(decoding: slice, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte != 0x0D else { throw Deferred() }
            guard byte == UInt8(ascii: "&") else {
                output.append(byte)
                index += 1
                continue
            }
            index = try reference(at: index, limit: range.upperBound, into: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends what the reference at `index` (an `&`) becomes and returns the index after it.
    private func reference(at index: Int, limit: Int, into output: inout [UInt8]) throws(Deferred) -> Int {
        let start = index + 1
        if start < limit, bytes[start] == UInt8(ascii: "#") { return try characterReference(from: start + 1, limit: limit, into: &output) }
        guard start < limit, Self.isLetter(bytes[start]) || bytes[start] == UInt8(ascii: "_") || bytes[start] == UInt8(ascii: ":") else {
            // No name: the `&` is text. A non-ASCII byte may start a name libxml2 reads.
            guard start >= bytes.count || bytes[start] < 0x80 else { throw Deferred() }
            output.append(UInt8(ascii: "&"))
            return start
        }
        var end = start
        while end < limit, Self.isNameByte(bytes[end]) { end += 1 }
        guard end < bytes.count, bytes[end] < 0x80 else { throw Deferred() }
        if end < limit, bytes[end] == UInt8(ascii: ";"), let value = Self.entity(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
            Self.appendUTF8(value, to: &output)
            return end + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
        return end
    }

    /// `&#` digits `;` or `&#x` hex digits `;` naming an XML character; anything else defers.
    private func characterReference(from start: Int, limit: Int, into output: inout [UInt8]) throws(Deferred) -> Int {
        var index = start
        let hex = index < limit && (bytes[index] | 0x20) == UInt8(ascii: "x")
        if hex { index += 1 }
        var value: UInt32 = 0
        let digitsStart = index
        while index < limit, index - digitsStart < 8 {
            let byte = bytes[index]
            let digit: UInt32
            if Self.isDigit(byte) {
                digit = UInt32(byte - UInt8(ascii: "0"))
            } else if hex, (byte | 0x20) >= UInt8(ascii: "a"), (byte | 0x20) <= UInt8(ascii: "f") {
                digit = UInt32((byte | 0x20) - UInt8(ascii: "a") + 10)
            } else {
                break
            }
            value = value * (hex ? 16 : 10) + digit
            index += 1
        }
        guard index > digitsStart, index < limit, bytes[index] == UInt8(ascii: ";"), Self.isXMLCharacter(value) else { throw Deferred() }
        Self.appendUTF8(value, to: &output)
        return index + 1
    }

    /// The first index of `needle` within `range` (Glibc's module leaves out `memmem`).
    private func find(_ needle: StaticString, in range: Range<Int>) -> Int? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var start = range.lowerBound
        while let hit = find(pattern[0], from: start), hit + pattern.count <= range.upperBound {
            if pattern.indices.allSatisfy({ bytes[hit + $0] == pattern[$0] }) { return hit }
            start = hit + 1
        }
        return nil
    }

    /// The character of an HTML 4 entity, from libxml2's own table.
    private static func entity(_ name: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard name.count < 16 else { return nil }
        var terminated = Array(name)
        terminated.append(0)
        return htmlEntityLookup(terminated)?.pointee.value
    }

    /// libxml2's `IS_CHAR`.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
            || (0x10000...0x10FFFF).contains(value)
    }

    private static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(value) else { return }
        UTF8.encode(scalar) { output.append($0) }
    }

    /// A name of at most seven bytes as one word: its length, then its bytes with bit 0x20 set;
    /// nil for a longer one, which is no name the scanner knows. Setting 0x20 lowercases a
    /// letter and leaves digits, `:`, `-` and `.` as they are; it makes `_` 0x7F, a byte in no
    /// known name. Tag and attribute names are compared so, since comparing them byte by byte
    /// was the scanner's largest part of a job page (docs/benchmarks.md, 2026-12-06).
    static func nameKey(_ name: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard name.count <= 7 else { return nil }
        var key = UInt64(name.count) << 56
        var shift: UInt64 = 0
        for byte in name {
            key |= UInt64(byte | 0x20) << shift
            shift += 8
        }
        return key
    }

    /// `nameKey` of "href", spelled out as `TagName`'s keys are (OutlineScannerTests checks them).
    static let hrefKey: UInt64 = 0x0400_0000_6665_7268

    /// The bytes of libxml2's HTML names: ASCII letters, digits, `:`, `-`, `_`, `.`.
    static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".")
    }
}
