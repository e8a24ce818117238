/// The one error type of the HTML module.
///
/// Parsing itself almost never fails (libxml2 recovers from any markup), so most errors are about
/// expressions an operator wrote: an XPath query or a CSS selector from extract.lua. The
/// `expression` is kept verbatim so the error can name it back to the script author.
public struct HTMLError: Error, CustomStringConvertible, Sendable {
    /// What went wrong; a struct so that cases can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case parseFailed = "parse_failed"
            case invalidXPath = "invalid_xpath"
            case invalidSelector = "invalid_selector"
            case xpathLimit = "xpath_limit"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// libxml2 returned no document (out of memory); the body itself is never the cause.
        public static let parseFailed = Code(.parseFailed)
        /// An XPath expression failed to compile or to evaluate.
        public static let invalidXPath = Code(.invalidXPath)
        /// A CSS selector is outside the supported subset or malformed.
        public static let invalidSelector = Code(.invalidSelector)
        /// An XPath expression needed more than `HTMLDocument.xpathOperationLimit` operations:
        /// the expression, not the page, is at fault (it is polynomial in the page's size).
        public static let xpathLimit = Code(.xpathLimit)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The XPath expression or CSS selector at fault, verbatim; nil for parse failures.
    public let expression: String?
    /// Human-readable reason (libxml2's message for XPath, ours for selectors).
    public let message: String
    /// Zero-based offset in `expression` where the problem was found, when known.
    public let position: Int?
    public let file: String
    public let line: Int

    public init(
        _ code: Code, expression: String? = nil, message: String, position: Int? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.expression = expression
        self.message = message
        self.position = position
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let expression {
            text += " in \"\(expression)\""
            if let position { text += " at offset \(position)" }
        }
        return text
    }
}
