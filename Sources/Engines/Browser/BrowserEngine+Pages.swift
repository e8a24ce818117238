import JSON

/// A blank page, attached and configured: all a render needs before it
/// navigates. Either in a fresh browser context of its own, never navigated
/// before a render takes it, so nothing of another request (cookies,
/// storage, cache) is in it; or a page of a browser session (see
/// `BrowserEngine+Sessions`), in the session's context.
struct PreparedPage: Sendable {
    let context: String
    let session: String
    let tracker: PageTracker
    /// Whether disposing the page disposes its context: false for a session's page.
    var ownsContext = true
    /// Renders the page has served (a session's page serves several).
    var renders = 0
    /// A kept page taken for its session's next render: still frozen, and
    /// made active only once that render's navigation is done (see `KeptSession`).
    var frozen = false
}

extension BrowserEngine {
    // MARK: - Preparing pages

    /// Creates a context and a blank page in it (see `preparePage(in:ownsContext:on:)`).
    /// Most of its time is Chromium starting the page's renderer process.
    /// - Throws: `BrowserError`; the context is disposed when a later step fails.
    func preparePage(on connection: CDPConnection) async throws -> PreparedPage {
        let context = try await connection.send("Target.createBrowserContext", ["disposeOnDetach": true])
            .member("browserContextId", in: "Target.createBrowserContext")
        do {
            return try await preparePage(in: context, ownsContext: true, on: connection)
        } catch {
            connection.send("Target.disposeBrowserContext", ["browserContextId": .string(context)]) { _ in }
            throw error
        }
    }

    /// Creates a blank page in `context`, attaches, routes the page's events
    /// to a new tracker and applies the configuration.
    /// - Throws: `BrowserError`; the page is disposed when a later step fails.
    func preparePage(in context: String, ownsContext: Bool, on connection: CDPConnection) async throws -> PreparedPage {
        let target = try await connection.send("Target.createTarget", ["url": "about:blank", "browserContextId": .string(context)])
            .member("targetId", in: "Target.createTarget")
        let session = try await connection.send("Target.attachToTarget", ["targetId": .string(target), "flatten": true])
            .member("sessionId", in: "Target.attachToTarget")
        let page = PreparedPage(context: context, session: session, tracker: PageTracker(mainFrame: target), ownsContext: ownsContext)
        connection.subscribe(session: session) { [connection] method, params in
            if method == "Fetch.requestPaused", let id = params.objectValue?["requestId"] {
                connection.send("Fetch.failRequest", ["requestId": id, "errorReason": "BlockedByClient"], session: session) { _ in }
            } else if method == "Page.javascriptDialogOpening" {
                let accept = JavaScriptDialog.accepts(params.objectValue?["type"]?.stringValue ?? "")
                connection.send("Page.handleJavaScriptDialog", ["accept": .bool(accept)], session: session) { _ in }
                page.tracker.handle(method, params)
            } else {
                page.tracker.handle(method, params)
            }
        }
        do {
            try await connection.sendAll(setupCommands(), session: session)
        } catch {
            dispose(page, on: connection)
            throw error
        }
        return page
    }

    /// Drops a page, and its context when it owns one, without waiting:
    /// nothing the caller returns depends on Chromium tearing the renderer down.
    func dispose(_ page: PreparedPage, on connection: CDPConnection) {
        connection.unsubscribe(session: page.session)
        if page.ownsContext {
            connection.send("Target.disposeBrowserContext", ["browserContextId": .string(page.context)]) { _ in }
        } else {
            connection.send("Target.closeTarget", ["targetId": .string(page.tracker.mainFrame)]) { _ in }
        }
    }

    /// The per-page commands that apply this engine's configuration, sent together.
    private func setupCommands() -> [(String, JSONObject)] {
        var commands: [(String, JSONObject)] = [
            ("Page.enable", [:]),
            ("Page.setLifecycleEventsEnabled", ["enabled": true]),
            // For `Inspector.targetCrashed`: a render, or a kept page, learns its renderer died.
            ("Inspector.enable", [:]),
            ("Network.enable", [:]),
            (
                "Emulation.setDeviceMetricsOverride",
                [
                    "width": .int(Int64(configuration.viewportWidth)), "height": .int(Int64(configuration.viewportHeight)),
                    "deviceScaleFactor": 1, "mobile": false,
                ]
            ),
        ]
        if let agent = configuration.userAgent { commands.append(("Emulation.setUserAgentOverride", ["userAgent": .string(agent)])) }
        if !configuration.javascript { commands.append(("Emulation.setScriptExecutionDisabled", ["value": true])) }
        if !configuration.headers.isEmpty {
            let headers = JSONObject(uniqueKeysWithValues: configuration.headers.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
            commands.append(("Network.setExtraHTTPHeaders", ["headers": .object(headers)]))
        }
        // With an address guard the browser-wide interception fails blocked types too.
        if !configuration.blocked.isEmpty, pins == nil {
            let patterns = configuration.blocked.sorted().map { JSONValue.object(["resourceType": .string($0.devtoolsName), "requestStage": "Request"]) }
            commands.append(("Fetch.enable", ["patterns": .array(patterns)]))
        }
        return commands
    }

    // MARK: - The spare page

    /// A page for the next render: the spare when there is one (waiting for
    /// it if it is still being prepared: it is further along than a new one
    /// would be) and its renderer has not crashed, else a new one. Once the
    /// page is ready the next spare is started, so that its renderer's
    /// start-up does not compete with this page's own.
    func takePage(on connection: CDPConnection) async throws -> PreparedPage {
        let spare = state.withLock { state in
            defer { state.spare = nil }
            return state.spare
        }
        // The render's deadline cancels the spare's preparation too: waiting
        // for a task's value does not end with the waiter's cancellation.
        let ready = await withTaskCancellationHandler {
            try? await spare?.value
        } onCancel: {
            spare?.cancel()
        }
        let page: PreparedPage
        if let ready, ready.tracker.failure == nil {
            page = ready
        } else {
            if let ready { dispose(ready, on: connection) }
            page = try await preparePage(on: connection)
        }
        prepareSpare()
        return page
    }

    /// Starts preparing the spare page unless there is one, so that the next
    /// render skips the renderer's start-up, the bulk of a pooled render's
    /// time. Called when a render takes its page; `dropIdleSpare(now:)` lets
    /// the spare go once the browser sits idle.
    ///
    /// An unstructured task, on purpose: it is bounded work (a few DevTools
    /// commands, failed at once if the browser dies) that must outlive the
    /// render that started it.
    func prepareSpare() {
        guard launch.spareIdleTimeout != nil else { return }
        state.withLock { state in
            guard !state.closed, state.spare == nil, let running = state.running, running.connection.failure == nil else { return }
            let connection = running.connection
            state.spare = Task { [self] in try await preparePage(on: connection) }
        }
    }

    /// Disposes the spare when no render has run for `spareIdleTimeout`:
    /// an idle browser then holds no renderer. Called by the watchdog's tick.
    func dropIdleSpare(now: ContinuousClock.Instant) {
        guard let timeout = launch.spareIdleTimeout else { return }
        let idle: (Task<PreparedPage, Error>, CDPConnection)? = state.withLock { state in
            guard state.rendering == 0, now - state.lastRender >= timeout, let spare = state.spare,
                let connection = state.running?.connection
            else { return nil }
            state.spare = nil
            return (spare, connection)
        }
        guard let (spare, connection) = idle else { return }
        Task { [self] in
            if let page = try? await spare.value { dispose(page, on: connection) }
        }
    }
}

extension JSONValue {
    /// A string member of a DevTools result object.
    /// - Throws: `BrowserError.protocol` naming the command when it is missing.
    func member(_ key: String, in command: String) throws -> String {
        guard let value = objectValue?[key]?.stringValue else {
            throw BrowserError(.protocol, "\(command) answered without '\(key)'")
        }
        return value
    }
}
