internal import CLibXML2
import Glibc

/// One condition of a compound selector: `#id`, `.class`, `[attr…]` or a structural pseudo-class.
///
/// Each condition has two forms that must always agree: `xpath`, the XPath 1.0 predicate
/// `CSSSelector.xpath` is built from (public, and what the tests compare against), and
/// `matches(_:)`, the same test done directly on an element, which `HTMLDocument.select` uses
/// because one walk of the tree costs much less than compiling and evaluating the XPath. The
/// native form copies XPath's semantics exactly, including its corner cases: a missing attribute
/// reads as the empty string inside `starts-with`, `contains` and `substring`, so `[a^=""]`
/// matches an element without `a`, as the XPath does.
enum CSSCondition: Hashable, Sendable {
    /// How an attribute's value is tested.
    enum Match: Hashable, Sendable {
        case exists
        case equals(String)
        case prefix(String)
        case suffix(String)
        case substring(String)
        /// One of the whitespace-separated words (`~=`, and `.class`).
        case word(String)
        /// Equal, or starting with the value and a hyphen (`|=`).
        case dashPrefix(String)
    }

    /// The position rules of `:first-child`, `:last-child`, `:only-child`, `:nth-child(an+b)`.
    enum Position: Hashable, Sendable {
        case first, last, only
        case nth(a: Int, b: Int)
    }

    case attribute(String, Match)
    case position(Position)

    // MARK: - XPath form

    var xpath: String {
        switch self {
        case .attribute(let name, let match):
            let attribute = CSSSelector.isPlainName(name) ? "@" + name : "@*[name() = \(CSSSelector.literal(name))]"
            return Self.xpath(attribute: attribute, match)
        case .position(let position): return Self.xpath(position)
        }
    }

    private static func xpath(attribute: String, _ match: Match) -> String {
        switch match {
        case .exists: return attribute
        case .equals(let value): return "\(attribute) = \(CSSSelector.literal(value))"
        case .prefix(let value): return "starts-with(\(attribute), \(CSSSelector.literal(value)))"
        case .suffix(let value):
            let literal = CSSSelector.literal(value)
            return "substring(\(attribute), string-length(\(attribute)) - string-length(\(literal)) + 1) = \(literal)"
        case .substring(let value): return "contains(\(attribute), \(CSSSelector.literal(value)))"
        case .word(let value):
            return "contains(concat(' ', normalize-space(\(attribute)), ' '), concat(' ', \(CSSSelector.literal(value)), ' '))"
        case .dashPrefix(let value):
            let literal = CSSSelector.literal(value)
            return "(\(attribute) = \(literal) or starts-with(\(attribute), concat(\(literal), '-')))"
        }
    }

    private static func xpath(_ position: Position) -> String {
        switch position {
        case .first: return "not(preceding-sibling::*)"
        case .last: return "not(following-sibling::*)"
        case .only: return "not(preceding-sibling::*) and not(following-sibling::*)"
        case .nth(let a, let b):
            let index = "(count(preceding-sibling::*) + 1)"
            if a == 0 { return "\(index) = \(b)" }
            if a > 0 { return "\(index) >= \(b) and (\(index) - \(b)) mod \(a) = 0" }
            return "\(index) <= \(b) and (\(b) - \(index)) mod \(-a) = 0"
        }
    }

    // MARK: - Native form

    /// Whether `element` satisfies the condition, exactly as `xpath` would decide.
    /// - Parameter siblingIndex: The element's 1-based position among its parent's elements, which
    ///   the caller's walk counts once per parent (`:nth-child` used to count the preceding
    ///   siblings of every candidate, quadratic on a long list). Read only by `:nth-child`.
    func matches(_ element: xmlNodePtr, siblingIndex: Int) -> Bool {
        switch self {
        case .attribute(let name, let match): Self.matches(Self.value(of: name, in: element), match)
        case .position(let position): Self.matches(element, position, siblingIndex: siblingIndex)
        }
    }

    /// The attribute's value as XPath's `@name` reads it (no namespace), nil when absent.
    private static func value(of name: String, in element: xmlNodePtr) -> [UInt8]? {
        guard let value = xmlGetNoNsProp(element, name) else { return nil }
        defer { releaseXML(value) }
        return Array(UnsafeBufferPointer(start: value, count: strlen(value)))
    }

    /// Whether an attribute value (nil when absent) passes `match`.
    static func matches(_ value: [UInt8]?, _ match: Match) -> Bool {
        switch match {
        case .exists: return value != nil
        case .equals(let expected): return value.map { $0.elementsEqual(expected.utf8) } ?? false
        case .prefix(let expected): return (value ?? []).starts(with: expected.utf8)
        case .suffix(let expected): return (value ?? []).reversed().starts(with: expected.utf8.reversed())
        case .substring(let expected): return contains(value ?? [], Array(expected.utf8))
        case .word(let expected):
            return contains([0x20] + normalizedSpace(value ?? []) + [0x20], [0x20] + Array(expected.utf8) + [0x20])
        case .dashPrefix(let expected):
            guard let value else { return false }
            return value.elementsEqual(expected.utf8) || value.starts(with: Array(expected.utf8) + [UInt8(ascii: "-")])
        }
    }

    /// `:first-child` and friends look only at the neighbouring elements: each run of text and
    /// comment nodes between two elements is skipped by at most two such looks, so a walk stays
    /// linear.
    private static func matches(_ element: xmlNodePtr, _ position: Position, siblingIndex index: Int) -> Bool {
        switch position {
        case .first: return previousElement(element) == nil
        case .last: return nextElement(element) == nil
        case .only: return previousElement(element) == nil && nextElement(element) == nil
        case .nth(let a, let b):
            if a == 0 { return index == b }
            if a > 0 { return index >= b && (index - b) % a == 0 }
            return index <= b && (b - index) % -a == 0
        }
    }

    private static func previousElement(_ node: xmlNodePtr) -> xmlNodePtr? {
        var sibling = node.pointee.prev
        while let current = sibling, current.pointee.type != XML_ELEMENT_NODE { sibling = current.pointee.prev }
        return sibling
    }

    private static func nextElement(_ node: xmlNodePtr) -> xmlNodePtr? {
        var sibling = node.pointee.next
        while let current = sibling, current.pointee.type != XML_ELEMENT_NODE { sibling = current.pointee.next }
        return sibling
    }

    /// XPath's `normalize-space`: runs of space, tab, CR and LF become one space; ends trimmed.
    private static func normalizedSpace(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return output
    }

    /// Whether `needle` occurs in `haystack`. A plain loop: the generic `firstRange(of:)` was
    /// most of the time of a page's `rel~=` and `*=` matches (metadata reads them on every page).
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            var offset = 1
            while offset < needle.count, haystack[start + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }
}
