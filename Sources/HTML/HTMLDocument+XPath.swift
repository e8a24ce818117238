internal import CLibXML2

/// The value of an XPath expression, by the four XPath 1.0 types.
public enum XPathResult: Equatable {
    case nodes([HTMLNode])
    case string(String)
    case number(Double)
    case boolean(Bool)

    /// The nodes of a node-set result, empty for the other types.
    public var nodes: [HTMLNode] {
        if case .nodes(let nodes) = self { return nodes }
        return []
    }
}

extension HTMLDocument {
    // MARK: - XPath

    /// Evaluates an XPath 1.0 expression.
    ///
    /// libxml2 reports XPath errors through the context's structured handler (installed at
    /// parse time, so nothing reaches stderr); the message and offset end up in the thrown error.
    /// - Parameters:
    ///   - expression: The XPath, e.g. `//a/@href`, `count(//p)`, `string(//h1)`.
    ///   - node: The context node for relative paths; the document when nil.
    /// - Returns: Nodes in document order (namespace nodes left out), or a string, number, boolean.
    ///   - deadline: When given, the evaluation runs on a thread of its own and is abandoned at
    ///     this instant (`XPathWorker`): the bound for expressions from scripts, which libxml2's
    ///     operation limit alone does not give.
    /// - Throws: `HTMLError` `.invalidXPath` naming the expression, for syntax and evaluation errors;
    ///   `.xpathLimit` when the evaluation needs more than `xpathOperationLimit` operations or
    ///   is still running at `deadline`.
    public func xpath(_ expression: String, from node: HTMLNode? = nil, deadline: ContinuousClock.Instant? = nil)
        throws(HTMLError) -> XPathResult
    {
        let evaluated: xmlXPathObjectPtr?
        if let deadline {
            evaluated = try XPathWorker.evaluate(expression, on: self, from: node?.pointer ?? documentNode, deadline: deadline)
        } else {
            evaluated = try evaluate(expression, from: node)
        }
        guard let object = evaluated else {
            throw HTMLError(.invalidXPath, expression: expression, message: "evaluation returned nothing")
        }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            return .nodes(nodes(of: object))
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        default:
            guard let string = xmlXPathCastToString(object) else { return .string("") }
            defer { releaseXML(string) }
            return .string(String(cString: string))
        }
    }

    /// The nodes an expression selects; an error if the expression is not a node-set.
    public func nodes(xpath expression: String, from node: HTMLNode? = nil) throws(HTMLError) -> [HTMLNode] {
        guard case .nodes(let nodes) = try xpath(expression, from: node) else {
            throw HTMLError(.invalidXPath, expression: expression, message: "expression does not select nodes")
        }
        return nodes
    }

    /// Compiles and evaluates; the raw object is the caller's to free.
    private func evaluate(_ expression: String, from node: HTMLNode?) throws(HTMLError) -> xmlXPathObjectPtr? {
        let context = try xpathContext()
        clibxml2_silence_errors_on_this_thread()
        xmlResetError(&context.pointee.lastError)
        context.pointee.node = node?.pointer ?? documentNode
        context.pointee.opCount = 0
        defer { context.pointee.node = nil }
        guard let compiled = xmlXPathCtxtCompile(context, expression) else { throw lastXPathError(expression, context) }
        defer { xmlXPathFreeCompExpr(compiled) }
        let object = xmlXPathCompiledEval(compiled, context)
        if context.pointee.lastError.code != 0 {
            if let object { xmlXPathFreeObject(object) }
            throw lastXPathError(expression, context)
        }
        return object
    }

    /// The most operations (steps evaluated plus nodes visited by axes) one evaluation may take:
    /// libxml2's XPath is polynomial in the page, the expressions come from scripts run on pages
    /// strangers write, and libxml2 cannot be interrupted otherwise. Ten million operations take
    /// well under a second (an expression visiting every ancestor and descendant of 10,000
    /// nested elements is refused after 0.2 s), and are hundreds of times what a linear
    /// expression needs on a real 1 MB page.
    ///
    /// What libxml2 does not count is merging node-sets, quadratic in a step's results: a chain of
    /// `//` steps over deep nesting (`count(//div//div//p)` on 5,000 nested divs) still runs about
    /// 30 s before the limit stops it, hence the deadline scripts' expressions run under
    /// (`XPathWorker`). CSS selectors never go through XPath, and are linear.
    public static let xpathOperationLimit: UInt = 10_000_000

    /// libxml2's error code for `XPATH_OP_LIMIT_EXCEEDED` (its XPath codes start at 1200).
    private static let operationLimitErrorCode = Int32(XML_XPATH_EXPRESSION_OK.rawValue + XPATH_OP_LIMIT_EXCEEDED.rawValue)

    private func nodes(of object: xmlXPathObjectPtr) -> [HTMLNode] {
        guard let set = object.pointee.nodesetval, let table = set.pointee.nodeTab else { return [] }
        var result: [HTMLNode] = []
        result.reserveCapacity(Int(set.pointee.nodeNr))
        for index in 0..<Int(set.pointee.nodeNr) {
            guard let node = table[index], node.pointee.type != XML_NAMESPACE_DECL else { continue }
            result.append(HTMLNode(document: self, pointer: node))
        }
        return result
    }

    /// Reads libxml2's last XPath error into an `HTMLError` and clears it.
    func lastXPathError(_ expression: String, _ context: xmlXPathContextPtr) -> HTMLError {
        let error = context.pointee.lastError
        defer { xmlResetError(&context.pointee.lastError) }
        if error.code == Self.operationLimitErrorCode {
            return HTMLError(
                .xpathLimit, expression: expression,
                message: "the expression needed more than \(Self.xpathOperationLimit) XPath operations on this page")
        }
        var message = error.message.map { String(cString: $0) } ?? "invalid expression"
        while message.last?.isNewline == true { message.removeLast() }
        let position = error.code != 0 && error.str1 != nil ? Int(error.int1) : nil
        return HTMLError(.invalidXPath, expression: expression, message: message, position: position)
    }
}
