/// A hand-written recursive-descent parser (bounded: selectors do not nest) for `CSSSelector`.
struct CSSSelectorParser {
    enum Combinator: Hashable, Sendable { case descendant, child, adjacent, sibling }

    /// One type selector with its conditions.
    struct Compound: Hashable, Sendable {
        var tag = "*"
        /// The tag prepared for native matching; nil for `*`.
        var element: ElementName?
        var conditions: [CSSCondition] = []
    }

    /// A compound and how it relates to the previous one (`descendant` for the first).
    struct Step: Hashable, Sendable {
        var combinator: Combinator
        var compound: Compound
    }

    private let source: String
    private let characters: [Character]
    private var index = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    /// `complex (, complex)*`, each complex a list of steps.
    mutating func parseGroups() throws(HTMLError) -> [[Step]] {
        var groups: [[Step]] = []
        repeat {
            skipWhitespace()
            groups.append(try parseComplex())
            skipWhitespace()
        } while consume(",")
        guard index == characters.count else { throw failure("unexpected \"\(characters[index])\"") }
        return groups
    }

    private mutating func parseComplex() throws(HTMLError) -> [Step] {
        var steps = [Step(combinator: .descendant, compound: try parseCompound())]
        while true {
            let hadSpace = skipWhitespace()
            var combinator: Combinator
            if consume(">") {
                combinator = .child
            } else if consume("+") {
                combinator = .adjacent
            } else if consume("~") {
                combinator = .sibling
            } else if hadSpace, peek != nil, peek != "," {
                combinator = .descendant
            } else {
                return steps
            }
            skipWhitespace()
            steps.append(Step(combinator: combinator, compound: try parseCompound()))
        }
    }

    private mutating func parseCompound() throws(HTMLError) -> Compound {
        var compound = Compound()
        let start = index
        if consume("*") {
            compound.tag = "*"
        } else if let next = peek, Self.isNameCharacter(next) {
            compound.tag = try parseName().lowercased()
            compound.element = ElementName(compound.tag)
        }
        while let next = peek {
            switch next {
            case "#":
                index += 1
                compound.conditions.append(.attribute("id", .equals(try parseName())))
            case ".":
                index += 1
                compound.conditions.append(.attribute("class", .word(try parseName())))
            case "[":
                index += 1
                compound.conditions.append(try parseAttribute())
            case ":":
                index += 1
                compound.conditions.append(.position(try parsePseudoClass()))
            default:
                guard index > start else { throw failure(index < characters.count ? "unexpected \"\(next)\"" : "missing selector") }
                return compound
            }
        }
        guard index > start else { throw failure("missing selector") }
        return compound
    }

    /// `[name]`, `[name op value]` with op one of `= ^= $= *= ~= |=`.
    private mutating func parseAttribute() throws(HTMLError) -> CSSCondition {
        skipWhitespace()
        let attribute = try parseName().lowercased()
        skipWhitespace()
        if consume("]") { return .attribute(attribute, .exists) }
        var op = ""
        if let next = peek, "^$*~|".contains(next) {
            op.append(next)
            index += 1
        }
        guard consume("=") else { throw failure("expected an attribute operator") }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard consume("]") else { throw failure("expected \"]\"") }
        switch op {
        case "^": return .attribute(attribute, .prefix(value))
        case "$": return .attribute(attribute, .suffix(value))
        case "*": return .attribute(attribute, .substring(value))
        case "~": return .attribute(attribute, .word(value))
        case "|": return .attribute(attribute, .dashPrefix(value))
        default: return .attribute(attribute, .equals(value))
        }
    }

    private mutating func parsePseudoClass() throws(HTMLError) -> CSSCondition.Position {
        let start = index
        let name = try parseName().lowercased()
        switch name {
        case "first-child": return .first
        case "last-child": return .last
        case "only-child": return .only
        case "nth-child":
            guard consume("(") else { throw failure("expected \"(\" after :nth-child") }
            var argument = ""
            while let next = peek, next != ")" {
                if !next.isWhitespace { argument.append(next) }
                index += 1
            }
            guard consume(")") else { throw failure("expected \")\"") }
            guard let (a, b) = Self.parseNth(argument.lowercased()) else { throw failure("bad :nth-child argument \"\(argument)\"") }
            return .nth(a: a, b: b)
        default:
            index = start
            throw failure("unsupported pseudo-class :\(name)")
        }
    }

    /// Parses `an+b`, `odd`, `even` or an integer into (a, b), each within `nthRange`.
    static func parseNth(_ text: String) -> (Int, Int)? {
        if text == "odd" { return (2, 1) }
        if text == "even" { return (2, 0) }
        if let b = Int(text) { return nthRange.contains(b) ? (0, b) : nil }
        guard let n = text.firstIndex(of: "n") else { return nil }
        let aText = text[..<n]
        let a = aText.isEmpty || aText == "+" ? 1 : aText == "-" ? -1 : Int(aText)
        let bText = text[text.index(after: n)...]
        let b = bText.isEmpty ? 0 : Int(bText.hasPrefix("+") ? bText.dropFirst() : bText)
        guard let a, let b, !bText.hasPrefix("+-"), !bText.hasPrefix("++"), nthRange.contains(a), nthRange.contains(b) else { return nil }
        return (a, b)
    }

    /// The values `a` and `b` of `:nth-child(an+b)` may take. No page has a billion siblings, and
    /// the bound keeps `index - b` and `-a` far from overflow: `-9223372036854775808n` used to
    /// crash the daemon while the selector was compiled.
    static let nthRange = -1_000_000_000...1_000_000_000

    // MARK: - Lexing

    private mutating func parseName() throws(HTMLError) -> String {
        var name = ""
        while let next = peek {
            if next == "\\", index + 1 < characters.count {
                name.append(characters[index + 1])
                index += 2
            } else if Self.isNameCharacter(next) {
                name.append(next)
                index += 1
            } else {
                break
            }
        }
        guard !name.isEmpty else { throw failure(index < characters.count ? "expected a name at \"\(characters[index])\"" : "expected a name") }
        return name
    }

    private mutating func parseValue() throws(HTMLError) -> String {
        guard let quote = peek, quote == "\"" || quote == "'" else { return try parseName() }
        index += 1
        var value = ""
        while let next = peek, next != quote {
            if next == "\\", index + 1 < characters.count { index += 1 }
            value.append(characters[index])
            index += 1
        }
        guard consume(quote) else { throw failure("unterminated string") }
        return value
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "-" || character == "_" || character == "\\"
            || !character.isASCII
    }

    private var peek: Character? { index < characters.count ? characters[index] : nil }

    private mutating func consume(_ character: Character) -> Bool {
        guard peek == character else { return false }
        index += 1
        return true
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while let next = peek, next.isWhitespace { index += 1 }
        return index > start
    }

    private func failure(_ message: String) -> HTMLError {
        HTMLError(.invalidSelector, expression: source, message: message, position: index)
    }
}
