import NIOCore

/// A browser session: renders that share one browser context (cookies,
/// storage, cache) and reuse its pages, so their renderer processes stay warm.
///
/// Why: a render without a session gets a fresh context, and so a renderer
/// process started for it, about half of a docs page's CPU. A page of a
/// session navigates from the last page it rendered instead; on a docs site
/// that doubles the pages a second (docs/benchmarks.md). The price
/// is the isolation between those renders, so a session is only ever shared
/// by renders that already share cookies: one client connection's (the
/// `crawl` op's `session`), or one job's. The key says whose (`RenderOptions.session`).
///
/// Between renders a kept page is frozen (`Page.setWebLifecycleState`): the
/// page it shows runs no timer or task, so it can neither spend a core while
/// it waits nor wedge the next render. The next render navigates it while it
/// is still frozen and makes it active only then: a timer the last page left
/// due would otherwise fire on waking (within a second, as Chromium aligns a
/// hidden page's timers) and, if it spins, hold the renderer that the
/// navigation must commit in (Chromium commits a navigation in a frozen page).
/// A page that does not answer the freeze within `keptPageFreezeDeadline` (a
/// script still running) is disposed, which ends its renderer; a kept page
/// whose renderer crashed (`Inspector.targetCrashed`) is dropped.
///
/// Bounds: at most `maxSessions` per browser and `maxSessionsPerClient` per
/// client (a render for one more gets a page of its own), `maxKeptPages` idle
/// pages in all its sessions together, and `maxRendersPerPage` renders per
/// page, after which its renderer ends;
/// every `rendersPerCollection` renders a kept page's renderer collects its
/// garbage, since a renderer that only navigates grows. A kept page is
/// closed `keptPageIdleTimeout` after it was last used, so a client cannot
/// hold renderers without rendering; a session (its context, its cookies)
/// ends `sessionIdleTimeout` after its last render, and with its browser.
struct KeptSession {
    let context: String
    /// Pages waiting for the session's next render, frozen, and since when.
    var idle: [(page: PreparedPage, since: ContinuousClock.Instant)] = []
    /// Renders of the session in flight: a session is never ended under one.
    var rendering: Int
    var lastRender: ContinuousClock.Instant
}

extension BrowserEngine {
    static let maxSessions = 32
    /// A quarter of `maxSessions`: one client or job cannot take them all.
    static let maxSessionsPerClient = 8
    static let maxKeptPages = 8
    static let maxRendersPerPage = 100
    static let rendersPerCollection = 5

    /// A page for a render of `session`: one the session kept, else a new
    /// one in its context; a session's first render takes a fresh page
    /// (`takePage(on:)`, the spare when there is one) and its context becomes
    /// the session's. Without a session, a fresh page.
    func takePage(session: BrowserSessionKey?, on connection: CDPConnection) async throws -> PreparedPage {
        guard let session else { return try await takePage(on: connection) }
        switch joinSession(session) {
        case .kept(var page):
            guard page.tracker.failure == nil else {
                // Its renderer crashed while it waited: the session goes on in a new page.
                dispose(page, on: connection)
                return try await preparePage(in: page.context, of: session, on: connection)
            }
            page.tracker.beginRender()
            page.frozen = true
            return page
        case .newPage(let context):
            return try await preparePage(in: context, of: session, on: connection)
        case .none:
            var page = try await takePage(on: connection)
            let adoption: Adoption = state.withLock { state in
                if state.sessions[session] != nil { return .startedMeanwhile }
                let clients = state.sessions.keys.count { $0.client == session.client }
                guard !state.closed, state.sessions.count < Self.maxSessions, clients < Self.maxSessionsPerClient else { return .refused }
                state.sessions[session] = KeptSession(context: page.context, rendering: 1, lastRender: .now)
                return .adopted
            }
            switch adoption {
            case .adopted:
                page.ownsContext = false
                return page
            case .refused:
                return page
            case .startedMeanwhile:
                // Another render of the session started it: this one joins it.
                dispose(page, on: connection)
                return try await takePage(session: session, on: connection)
            }
        }
    }

    private enum Joined {
        case kept(PreparedPage)
        case newPage(context: String)
    }

    /// What became of a fresh page's context when a render started a session.
    private enum Adoption {
        case adopted
        /// The browser keeps `maxSessions` already, or the client
        /// `maxSessionsPerClient`: the render goes without one.
        case refused
        case startedMeanwhile
    }

    /// Counts a render into `session` and hands it a kept page, or the
    /// context to make one in; nil when there is no such session.
    private func joinSession(_ session: BrowserSessionKey) -> Joined? {
        state.withLock { state in
            guard var kept = state.sessions[session] else { return nil }
            kept.rendering += 1
            defer { state.sessions[session] = kept }
            if let page = kept.idle.popLast()?.page { return .kept(page) }
            return .newPage(context: kept.context)
        }
    }

    /// A new page in the context of `session`, whose render `joinSession` counted.
    private func preparePage(in context: String, of session: BrowserSessionKey, on connection: CDPConnection) async throws -> PreparedPage {
        do {
            return try await preparePage(in: context, ownsContext: false, on: connection)
        } catch {
            state.withLock { $0.sessions[session]?.rendering -= 1 }
            throw error
        }
    }

    /// Makes a kept page active once the document of its navigation
    /// `loader` has committed (its `init` event), so nothing of the document
    /// it showed runs again. Without a loader (the navigation stayed in the
    /// document) it wakes at once.
    ///
    /// Chromium refuses the command with "Not attached to an active page"
    /// while the page's DevTools host still points at the old document, a
    /// moment after `init`; it is asked again then, until the render's deadline.
    func wake(_ page: PreparedPage, committing loader: String?, on connection: CDPConnection) async throws {
        if let loader { try await page.tracker.wait { $0.lifecycle[loader]?.contains("init") == true } }
        while true {
            do {
                _ = try await connection.send("Page.setWebLifecycleState", ["state": "active"], session: page.session)
                return
            } catch let error as BrowserError where error.code == .protocol && error.message.hasPrefix(Self.inactivePage) {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// How Chromium words a page command sent while a navigation is being committed.
    private static let inactivePage = "Not attached to an active page"

    /// After a render: a session's page is frozen and goes back to its
    /// session when the render succeeded and the page may serve more; any
    /// other page is disposed (a failed render's page may still be loading, or
    /// hung). A page is back in its session when this returns.
    func finish(_ page: PreparedPage, session: BrowserSessionKey?, succeeded: Bool, on connection: CDPConnection) async {
        guard let session, !page.ownsContext else { return dispose(page, on: connection) }
        var page = page
        page.renders += 1
        let reusable = succeeded && page.tracker.failure == nil && page.renders < Self.maxRendersPerPage
        let frozen = reusable ? await freeze(page, on: connection) : false
        settle(page, in: session, frozen: frozen, on: connection)
    }

    /// Whether `page` answered the freeze within `keptPageFreezeDeadline`.
    private func freeze(_ page: PreparedPage, on connection: CDPConnection) async -> Bool {
        await withCheckedContinuation { continuation in
            let sent = connection.send("Page.setWebLifecycleState", ["state": "frozen"], session: page.session) { reply in
                guard case .success = reply else { return continuation.resume(returning: false) }
                continuation.resume(returning: true)
            }
            // Past the deadline the command is cancelled, which answers it with a failure.
            eventLoopGroup.any().scheduleTask(in: TimeAmount(launch.keptPageFreezeDeadline)) { connection.cancel(sent) }
        }
    }

    /// Ends a render of `session`: a frozen page is kept while the browser's
    /// sessions keep fewer than `maxKeptPages`, any other is disposed.
    private func settle(_ page: PreparedPage, in session: BrowserSessionKey, frozen: Bool, on connection: CDPConnection) {
        let kept = state.withLock { state in
            guard var kept = state.sessions[session], kept.context == page.context else { return false }
            kept.rendering -= 1
            kept.lastRender = .now
            let idle = state.sessions.values.reduce(0) { $0 + $1.idle.count }
            let keep = frozen && !state.closed && idle < Self.maxKeptPages
            if keep { kept.idle.append((page, .now)) }
            state.sessions[session] = kept
            return keep
        }
        guard kept else { return dispose(page, on: connection) }
        if page.renders % Self.rendersPerCollection == 0 {
            connection.send("HeapProfiler.collectGarbage", session: page.session) { _ in }
        }
    }

    /// Closes the kept pages unused for `keptPageIdleTimeout` or whose
    /// renderer crashed, and ends the sessions without a render for
    /// `sessionIdleTimeout`: their contexts, and so their pages and renderers,
    /// are disposed. Called by the watchdog's tick.
    func dropIdleSessions(now: ContinuousClock.Instant) {
        let pageTimeout = launch.keptPageIdleTimeout
        let isDone = { (idle: (page: PreparedPage, since: ContinuousClock.Instant)) in
            now - idle.since >= pageTimeout || idle.page.tracker.failure != nil
        }
        let (ended, closed, connection) = state.withLock { state in
            var closed: [PreparedPage] = []
            for (key, var kept) in state.sessions {
                guard kept.idle.contains(where: isDone) else { continue }
                closed += kept.idle.filter(isDone).map(\.page)
                kept.idle.removeAll(where: isDone)
                state.sessions[key] = kept
            }
            let idle = state.sessions.filter { $0.value.rendering == 0 && now - $0.value.lastRender >= launch.sessionIdleTimeout }
            for key in idle.keys { state.sessions.removeValue(forKey: key) }
            return (Array(idle.values), closed, state.running?.connection)
        }
        guard let connection else { return }
        for page in closed { dispose(page, on: connection) }
        for session in ended {
            for (page, _) in session.idle { connection.unsubscribe(session: page.session) }
            connection.send("Target.disposeBrowserContext", ["browserContextId": .string(session.context)]) { _ in }
        }
    }

    /// The sessions this browser keeps, and their idle pages: what the tests look at.
    var keptSessions: [BrowserSessionKey: Int] {
        state.withLock { $0.sessions.mapValues(\.idle.count) }
    }
}
