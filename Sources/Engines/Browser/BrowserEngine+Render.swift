import JSON

extension BrowserEngine {
    /// Renders one page in a fresh browser context, or in a page of the
    /// options' session: navigate, wait for the options' page event (`load`
    /// by default) and selector, run the options' script, serialise the DOM,
    /// capture what was asked, then dispose the context (a session keeps the page).
    ///
    /// The deadline is `options.timeout`, else the configuration's
    /// `timeout_ms`. Past it this render alone fails with `timeout`: its
    /// DevTools commands and waits are cancelled and its page is disposed,
    /// which ends its renderer even in `while(true){}`. Other renders on this
    /// browser go on; the browser is killed (and every render on it fails)
    /// only if it then misses the watchdog's probe (see `BrowserWatchdog`).
    /// JavaScript dialogs are dismissed as they open and listed in the result.
    /// - Throws: `BrowserError`: `navigationFailed` (DNS, connect, ...),
    ///   `timeout`, `crashed`, `script` (the script threw), `protocol`,
    ///   `blockedAddress` (the address guard refused the page's own navigation).
    public func render(url: String, options: RenderOptions = RenderOptions()) async throws -> RenderResult {
        let started = ContinuousClock.now
        let timeout = options.timeout ?? configuration.timeout
        let deadline = started + timeout
        let (request, connection) = try beginRequest()
        defer { endRequest(request) }
        return try await withDeadline(deadline) { [self] in
            var stage = "creating the page"
            do {
                let page = try await takePage(session: options.session, on: connection)
                track(page.tracker, for: request)
                do {
                    var result = try await render(url, options: options, page: page, deadline: deadline, stage: &stage, on: connection)
                    result.duration = ContinuousClock.now - started
                    await finish(page, session: options.session, succeeded: true, on: connection)
                    return result
                } catch {
                    await finish(page, session: options.session, succeeded: false, on: connection)
                    // A refused navigation shows up as whatever it broke (a failed load, a
                    // destroyed script context): the refusal is the reason to report.
                    if let refused = page.tracker.failure, refused.code == .blockedAddress { throw refused }
                    throw error
                }
            } catch {
                // Say where the page was when time ran out or the browser died: a
                // page stuck loading and a script that never settles read differently.
                guard let error = error as? BrowserError, error.code == .timeout || error.code == .crashed else { throw error }
                let reason = ContinuousClock.now >= deadline ? "page passed its deadline of \(timeout)" : error.message
                throw BrowserError(error.code, "\(reason) (while \(stage))")
            }
        }
    }

    /// Runs `body` until `deadline`. Past it the body's task is cancelled,
    /// which fails its pending DevTools commands and waits with `timeout`, and
    /// the watchdog probes the browser.
    private func withDeadline<T: Sendable>(_ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
                group.cancelAll()
                probeBrowser()
            }
            throw BrowserError(.timeout, "render ended without a result")
        }
    }

    private func render(
        _ url: String, options: RenderOptions, page prepared: PreparedPage, deadline: ContinuousClock.Instant,
        stage: inout String, on connection: CDPConnection
    ) async throws -> RenderResult {
        let session = prepared.session
        let tracker = prepared.tracker
        stage = "navigating to \(url)"
        let navigation = try await navigate(url, session: session, on: connection)
        if let error = navigation["errorText"]?.stringValue, !error.isEmpty {
            throw tracker.failure ?? BrowserError(.navigationFailed, "\(error) loading \(url)")
        }
        if navigation["isDownload"]?.boolValue == true {
            throw BrowserError(.navigationFailed, "\(url) is a download, not a page")
        }
        let loader = navigation["loaderId"]?.stringValue
        if prepared.frozen { try await wake(prepared, committing: loader, on: connection) }
        if let loader {
            stage = "waiting for \(options.waitUntil.rawValue)"
            let events = options.waitUntil.lifecycleEvents
            try await tracker.wait { page in events.isSubset(of: page.lifecycle[loader] ?? []) }
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
        let screenshot =
            options.screenshot
            ? try await connection.send("Page.captureScreenshot", ["format": "png"], session: session).member("data", in: "Page.captureScreenshot")
            : nil
        let pdf =
            options.pdf
            ? try await connection.send("Page.printToPDF", ["printBackground": true], session: session).member("data", in: "Page.printToPDF")
            : nil
        // A script or meta refresh navigation refused while the page was read.
        if let failure = tracker.failure { throw failure }
        let page = tracker.page
        let response = loader.flatMap { page.responses[$0] }
        var result = RenderResult(
            url: url, finalURL: page.url ?? url, status: response?.status ?? 0, mimeType: response?.mimeType, html: html,
            scriptResult: scriptResult, screenshotBase64: screenshot, pdfBase64: pdf, duration: .zero
        )
        result.dialogs = page.dialogs
        return result
    }

    /// `Page.navigate`, tried again (twice at most) when it failed with
    /// `net::ERR_NETWORK_CHANGED`: Chromium drops the connections it is making
    /// whenever an interface of this host gains or loses an address (a
    /// container or VPN starting, another network namespace), which says
    /// nothing about the page. Connections through the `--deny-private` proxy
    /// are the ones it caught in tests.
    private func navigate(_ url: String, session: String, on connection: CDPConnection) async throws -> JSONObject {
        var attempts = 0
        while true {
            let navigation = try await connection.send("Page.navigate", ["url": .string(url)], session: session).objectValue ?? [:]
            attempts += 1
            guard navigation["errorText"]?.stringValue == "net::ERR_NETWORK_CHANGED", attempts < 3 else { return navigation }
        }
    }

    /// Doctype (when there is one) and `outerHTML`: the page as a parser would want it.
    private static let serialiseDocument =
        "(document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '') + (document.documentElement ? document.documentElement.outerHTML : '')"

    /// How long before the deadline a selector wait gives up, so that its
    /// answer (a `timeout` naming the selector) arrives before the deadline cancels the render.
    private static let selectorMargin = Duration.milliseconds(250)

    /// Polls for `selector` inside the page until shortly before the deadline,
    /// so that a missing element is a `timeout` of this render rather than a killed browser,
    /// and a selector Chromium cannot parse is `badOption`.
    private func waitFor(selector: String, deadline: ContinuousClock.Instant, session: String, on connection: CDPConnection) async throws {
        let budget = max(0, (deadline - ContinuousClock.now - Self.selectorMargin).milliseconds)
        let quoted = JSONValue.string(selector).encodedString()
        let script = """
            new Promise(done => { const end = Date.now() + \(budget); const poll = () => {
              if (document.querySelector(\(quoted))) done(true); else if (Date.now() > end) done(false); else setTimeout(poll, 50); };
              poll(); })
            """
        let found: Bool
        do {
            found = try await evaluate(script, session: session, on: connection).boolValue == true
        } catch let error as BrowserError where error.code == .script {
            // `querySelector` threw: the selector, not the page, is at fault.
            throw BrowserError(.badOption, "wait_for \(quoted) is not a CSS selector Chromium accepts: \(error.message)")
        }
        guard found else { throw BrowserError(.timeout, "no element matched \(quoted) before the deadline") }
    }

    /// Runs `expression` in the page, awaiting a promise, and returns its JSON value.
    /// - Throws: `BrowserError.script` with the exception's text when it throws.
    private func evaluate(_ expression: String, session: String, on connection: CDPConnection) async throws -> JSONValue {
        let reply =
            try await connection.send(
                "Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true], session: session
            ).objectValue ?? [:]
        if let details = reply["exceptionDetails"]?.objectValue {
            let text = details["exception"]?.objectValue?["description"]?.stringValue ?? details["text"]?.stringValue ?? "script threw"
            throw BrowserError(.script, text)
        }
        return reply["result"]?.objectValue?["value"] ?? .null
    }

    // MARK: - Requests in flight

    private func beginRequest() throws -> (Int, CDPConnection) {
        try state.withLock { state in
            guard !state.closed, let running = state.running else {
                throw BrowserError(.crashed, "browser engine is not running")
            }
            if let failure = running.connection.failure { throw failure }
            let request = state.nextRequest
            state.nextRequest += 1
            state.rendering += 1
            return (request, running.connection)
        }
    }

    /// A render passed its deadline: the browser must answer a ping within
    /// one beat (`BrowserWatchdog.probe(now:)`); the reader thread ticks now.
    private func probeBrowser() {
        let connection = state.withLock { state in
            state.watchdog.probe(now: .now)
            return state.running?.connection
        }
        connection?.wakeReader()
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
