import JSON

extension BrowserEngine {
    /// Renders one page in a fresh browser context: navigate, wait for load
    /// (and the options' selector or network idle), run the options' script,
    /// serialise the DOM, capture what was asked, dispose the context.
    ///
    /// The deadline is `options.timeout`, else the configuration's
    /// `timeout_ms`. Past it the watchdog kills the browser (a page in
    /// `while(true){}` leaves no gentler way), this render and any other in
    /// flight on this browser fail with `timeout`, and the engine reports
    /// itself unhealthy.
    /// - Throws: `BrowserError`: `navigationFailed` (DNS, connect, ...),
    ///   `timeout`, `crashed`, `script` (the script threw), `protocol`.
    public func render(url: String, options: RenderOptions = RenderOptions()) async throws -> RenderResult {
        let started = ContinuousClock.now
        let deadline = started + (options.timeout ?? configuration.timeout)
        let (request, connection) = try beginRequest(deadline: deadline)
        defer { endRequest(request) }
        var stage = "creating the page"
        do {
            let page = try await takePage(on: connection)
            defer { dispose(page, on: connection) }
            track(page.tracker, for: request)
            var result = try await render(url, options: options, page: page, deadline: deadline, stage: &stage, on: connection)
            result.duration = ContinuousClock.now - started
            return result
        } catch {
            // Say where the page was when time ran out or the browser died: a
            // page stuck loading and a script that never settles read differently.
            guard let error = error as? BrowserError, error.code == .timeout || error.code == .crashed else { throw error }
            throw BrowserError(error.code, "\(error.message) (while \(stage))")
        }
    }

    private func render(
        _ url: String, options: RenderOptions, page prepared: PreparedPage, deadline: ContinuousClock.Instant,
        stage: inout String, on connection: CDPConnection
    ) async throws -> RenderResult {
        let session = prepared.session
        let tracker = prepared.tracker
        stage = "navigating to \(url)"
        let navigation = try await connection.send("Page.navigate", ["url": .string(url)], session: session).objectValue ?? [:]
        if let error = navigation["errorText"]?.stringValue, !error.isEmpty {
            throw BrowserError(.navigationFailed, "\(error) loading \(url)")
        }
        if navigation["isDownload"]?.boolValue == true {
            throw BrowserError(.navigationFailed, "\(url) is a download, not a page")
        }
        let loader = navigation["loaderId"]?.stringValue
        if let loader {
            stage = options.waitForNetworkIdle ? "waiting for load and network idle" : "waiting for load"
            let idle = options.waitForNetworkIdle
            try await tracker.wait { page in
                let seen = page.lifecycle[loader] ?? []
                return seen.contains("load") && (!idle || seen.contains("networkIdle"))
            }
        }
        if let selector = options.waitForSelector {
            stage = "waiting for \(selector)"
            try await waitFor(selector: selector, deadline: deadline, session: session, on: connection)
        }
        if options.script != nil { stage = "running the script" }
        let scriptResult = try await options.script.asyncMap { try await evaluate($0, session: session, on: connection) }
        stage = "serialising the document"
        let html = try await evaluate(Self.serialiseDocument, session: session, on: connection).stringValue ?? ""
        stage = "capturing"
        let screenshot = options.screenshot
            ? try await connection.send("Page.captureScreenshot", ["format": "png"], session: session).member("data", in: "Page.captureScreenshot")
            : nil
        let pdf = options.pdf
            ? try await connection.send("Page.printToPDF", ["printBackground": true], session: session).member("data", in: "Page.printToPDF")
            : nil
        let page = tracker.page
        let response = loader.flatMap { page.responses[$0] }
        return RenderResult(
            url: url, finalURL: page.url ?? url, status: response?.status ?? 0, mimeType: response?.mimeType, html: html,
            scriptResult: scriptResult, screenshotBase64: screenshot, pdfBase64: pdf, duration: .zero
        )
    }

    /// Doctype (when there is one) and `outerHTML`: the page as a parser would want it.
    private static let serialiseDocument =
        "(document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '') + (document.documentElement ? document.documentElement.outerHTML : '')"

    /// How long before the deadline a selector wait gives up, so that its
    /// answer arrives before the watchdog kills the browser at the deadline.
    private static let selectorMargin = Duration.milliseconds(250)

    /// Polls for `selector` inside the page until shortly before the deadline,
    /// so that a missing element is a `timeout` of this render rather than a killed browser.
    private func waitFor(selector: String, deadline: ContinuousClock.Instant, session: String, on connection: CDPConnection) async throws {
        let budget = max(0, (deadline - ContinuousClock.now - Self.selectorMargin).milliseconds)
        let quoted = JSONValue.string(selector).encodedString()
        let script = """
            new Promise(done => { const end = Date.now() + \(budget); const poll = () => {
              if (document.querySelector(\(quoted))) done(true); else if (Date.now() > end) done(false); else setTimeout(poll, 50); };
              poll(); })
            """
        guard try await evaluate(script, session: session, on: connection).boolValue == true else {
            throw BrowserError(.timeout, "no element matched \(quoted) before the deadline")
        }
    }

    /// Runs `expression` in the page, awaiting a promise, and returns its JSON value.
    /// - Throws: `BrowserError.script` with the exception's text when it throws.
    private func evaluate(_ expression: String, session: String, on connection: CDPConnection) async throws -> JSONValue {
        let reply = try await connection.send(
            "Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true], session: session
        ).objectValue ?? [:]
        if let details = reply["exceptionDetails"]?.objectValue {
            let text = details["exception"]?.objectValue?["description"]?.stringValue ?? details["text"]?.stringValue ?? "script threw"
            throw BrowserError(.script, text)
        }
        return reply["result"]?.objectValue?["value"] ?? .null
    }

    // MARK: - Requests in flight

    private func beginRequest(deadline: ContinuousClock.Instant) throws -> (Int, CDPConnection) {
        try state.withLock { state in
            guard !state.closed, let running = state.running else {
                throw BrowserError(.crashed, "browser engine is not running")
            }
            if let failure = running.connection.failure { throw failure }
            let request = state.nextRequest
            state.nextRequest += 1
            state.watchdog.begin(request, deadline: deadline)
            state.rendering += 1
            running.connection.wakeReader()
            return (request, running.connection)
        }
    }

    private func track(_ tracker: PageTracker, for request: Int) {
        let failure = state.withLock { state in
            state.trackers[request] = tracker
            return state.running?.connection.failure
        }
        if let failure { tracker.fail(failure) }
    }

    private func endRequest(_ request: Int) {
        state.withLock { state in
            state.watchdog.end(request)
            state.trackers.removeValue(forKey: request)
            state.rendering -= 1
            state.lastRender = .now
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
