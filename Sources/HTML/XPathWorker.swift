import Glibc
import Synchronization
internal import CLibXML2
import Threads

/// One XPath evaluation on a thread of its own, which the caller waits for
/// until a deadline and then abandons.
///
/// Why a thread: libxml2 2.9's XPath cannot be interrupted, and its operation
/// limit does not count merging node-sets, which compares every node of one
/// set with every node of the other: `count(//div//span)` over a flat 1 MB page
/// of 40,000 `<div><span>` runs 10 s, a chain of `//` steps over nested markup
/// far longer, all of it between two counted operations. Expressions come from
/// scripts run on pages strangers write, so the script's deadline must hold
/// whatever an expression does; a thread the caller may stop waiting for is
/// the one bound that does not depend on what libxml2 counts.
///
/// Ownership: the worker holds the document (a strong reference), an XPath
/// context of its own and the compiled expression, so an abandoned evaluation
/// reads a tree that stays alive and shares no context with later calls; the
/// tree is freed by whichever of the request and the worker lets go of it
/// last. Nothing writes the tree after the parse, so the worker's reads and the
/// request's go on side by side safely.
///
/// The thread gives way to the protocol's threads (`ThreadPriority`), as
/// the script thread that asked for the evaluation does.
///
/// An abandoned evaluation is told to stop at libxml2's next counted operation
/// (its limit lowered to 1) and its thread moves to `SCHED_IDLE`, so what is
/// left of the current merge runs only on a core nothing else wants, and the
/// protocol's threads keep theirs. At most `abandonedLimit` abandoned
/// evaluations exist at once; past that, evaluations are refused with
/// `xpath_limit` until one ends, so a stream of attacks cannot pile up threads
/// or trees.
final class XPathWorker: @unchecked Sendable {
    /// Abandoned evaluations still running, daemon-wide.
    private static let abandoned = Mutex(0)
    /// How many abandoned evaluations may run at once (two per core of a small machine).
    static let abandonedLimit = 8

    private let document: HTMLDocument
    private let context: xmlXPathContextPtr
    private let compiled: xmlXPathCompExprPtr
    private let expression: String
    /// Guards the fields below, signalled when `finished` becomes true.
    private let lock = ConditionLock()
    private var thread = pthread_t()
    private var finished = false
    private var isAbandoned = false
    private var object: xmlXPathObjectPtr?
    private var failure: HTMLError?

    private init(document: HTMLDocument, context: xmlXPathContextPtr, compiled: xmlXPathCompExprPtr, expression: String) {
        self.document = document
        self.context = context
        self.compiled = compiled
        self.expression = expression
    }

    deinit {
        xmlXPathFreeCompExpr(compiled)
        xmlXPathFreeContext(context)
    }

    /// Evaluates `expression` on `document` from `node` on a new thread and waits for it
    /// until `deadline`.
    /// - Returns: libxml2's result object, the caller's to free.
    /// - Throws: `.invalidXPath` as the synchronous evaluation does; `.xpathLimit` at the
    ///   deadline, past `HTMLDocument.xpathOperationLimit`, or while `abandonedLimit`
    ///   abandoned evaluations still run.
    static func evaluate(
        _ expression: String, on document: HTMLDocument, from node: xmlNodePtr, deadline: ContinuousClock.Instant
    ) throws(HTMLError) -> xmlXPathObjectPtr? {
        guard abandoned.withLock({ $0 }) < abandonedLimit else {
            throw HTMLError(
                .xpathLimit, expression: expression,
                message: "\(abandonedLimit) XPath evaluations stopped at their deadline are still running; try again later")
        }
        let context = try document.newXPathContext()
        clibxml2_silence_errors_on_this_thread()
        guard let compiled = xmlXPathCtxtCompile(context, expression) else {
            defer { xmlXPathFreeContext(context) }
            throw document.lastXPathError(expression, context)
        }
        context.pointee.node = node
        let worker = XPathWorker(document: document, context: context, compiled: compiled, expression: expression)
        try worker.start()
        return try worker.wait(until: deadline)
    }

    // MARK: - The worker's thread

    private func start() throws(HTMLError) {
        do {
            thread = try DetachedThread.start { [self] in run() }
        } catch {
            throw HTMLError(.xpathLimit, expression: expression, message: "no thread to evaluate the expression on (error \(error.status))")
        }
    }

    /// The evaluation, on the worker's thread; hands the result over, or frees it once abandoned.
    private func run() {
        ThreadPriority.lowerCurrentThread()
        clibxml2_silence_errors_on_this_thread()
        xmlResetError(&context.pointee.lastError)
        let result = xmlXPathCompiledEval(compiled, context)
        let error = context.pointee.lastError.code != 0 ? document.lastXPathError(expression, context) : nil
        lock.lock()
        finished = true
        let keep = !isAbandoned
        if keep {
            object = result
            failure = error
            lock.signal()
        }
        lock.unlock()
        guard !keep else { return }
        if let result { xmlXPathFreeObject(result) }
        Self.abandoned.withLock { $0 -= 1 }
    }

    // MARK: - The caller's side

    private func wait(until deadline: ContinuousClock.Instant) throws(HTMLError) -> xmlXPathObjectPtr? {
        lock.lock()
        defer { lock.unlock() }
        while !finished && lock.wait(until: deadline) {}
        guard finished else {
            isAbandoned = true
            Self.abandoned.withLock { $0 += 1 }
            clibxml2_xpath_abandon(context, thread)
            throw HTMLError(.xpathLimit, expression: expression, message: "the expression was still running at the script's deadline")
        }
        if let failure {
            if let object { xmlXPathFreeObject(object) }
            throw failure
        }
        return object
    }
}
