/// A browser session: renders that share one browser context (cookies,
/// storage, cache) and reuse its pages, so their renderer processes stay warm.
///
/// Why: a render without a session gets a fresh context, and so a renderer
/// process started for it, which is most of a small page's CPU. A page of a
/// session navigates from the last page it rendered instead; on a docs site
/// that halves a render's CPU (docs/benchmarks.md). The price is the
/// isolation between those renders, so a session is only ever shared by
/// renders that already share cookies: one client connection's (the `crawl`
/// op's `session`), or one job's. The key says whose (`RenderOptions.session`).
///
/// Bounds: at most `maxSessions` per browser (a render for one more gets a
/// page of its own), `maxKeptPages` idle pages per session, and
/// `maxRendersPerPage` renders per page, after which its renderer ends; every
/// `rendersPerCollection` renders a kept page's renderer collects its garbage
/// while it waits, since a renderer that only navigates grows. A session ends
/// `sessionIdleTimeout` after its last render, and with its browser.
struct KeptSession {
    let context: String
    var idle: [PreparedPage] = []
    /// Renders of the session in flight: a session is never ended under one.
    var rendering: Int
    var lastRender: ContinuousClock.Instant
}

extension BrowserEngine {
    static let maxSessions = 32
    static let maxKeptPages = 8
    static let maxRendersPerPage = 100
    static let rendersPerCollection = 5

    /// A page for a render of `session`: one the session kept, else a new
    /// one in its context; a session's first render takes a fresh page
    /// (`takePage(on:)`, the spare when there is one) and its context becomes
    /// the session's. Without a session, a fresh page.
    func takePage(session: String?, on connection: CDPConnection) async throws -> PreparedPage {
        guard let session else { return try await takePage(on: connection) }
        switch joinSession(session) {
        case .kept(let page):
            page.tracker.beginRender()
            return page
        case .newPage(let context):
            return try await preparePage(in: context, of: session, on: connection)
        case .none:
            var page = try await takePage(on: connection)
            let adopted: Bool = state.withLock { state in
                guard !state.closed, state.sessions[session] == nil, state.sessions.count < Self.maxSessions else { return false }
                state.sessions[session] = KeptSession(context: page.context, rendering: 1, lastRender: .now)
                return true
            }
            if adopted {
                page.ownsContext = false
                return page
            }
            // Another render of the session started it meanwhile: this one joins it.
            guard case .newPage(let context) = joinSession(session) else { return page }
            dispose(page, on: connection)
            return try await preparePage(in: context, of: session, on: connection)
        }
    }

    private enum Joined {
        case kept(PreparedPage)
        case newPage(context: String)
    }

    /// Counts a render into `session` and hands it a kept page, or the
    /// context to make one in; nil when there is no such session.
    private func joinSession(_ session: String) -> Joined? {
        state.withLock { state in
            guard var kept = state.sessions[session] else { return nil }
            kept.rendering += 1
            defer { state.sessions[session] = kept }
            if let page = kept.idle.popLast() { return .kept(page) }
            return .newPage(context: kept.context)
        }
    }

    /// A new page in the context of `session`, whose render `joinSession` counted.
    private func preparePage(in context: String, of session: String, on connection: CDPConnection) async throws -> PreparedPage {
        do {
            return try await preparePage(in: context, ownsContext: false, on: connection)
        } catch {
            state.withLock { $0.sessions[session]?.rendering -= 1 }
            throw error
        }
    }

    /// After a render: a session's page goes back to its session when the
    /// render succeeded and the page may serve more; any other page is
    /// disposed (a failed render's page may still be loading, or hung).
    func finish(_ page: PreparedPage, session: String?, succeeded: Bool, on connection: CDPConnection) {
        guard let session, !page.ownsContext else { return dispose(page, on: connection) }
        var page = page
        page.renders += 1
        let kept = state.withLock { state in
            guard var kept = state.sessions[session], kept.context == page.context else { return false }
            kept.rendering -= 1
            kept.lastRender = .now
            let keep =
                succeeded && !state.closed && page.tracker.failure == nil && page.renders < Self.maxRendersPerPage
                && kept.idle.count < Self.maxKeptPages
            if keep { kept.idle.append(page) }
            state.sessions[session] = kept
            return keep
        }
        guard kept else { return dispose(page, on: connection) }
        if page.renders % Self.rendersPerCollection == 0 {
            connection.send("HeapProfiler.collectGarbage", session: page.session) { _ in }
        }
    }

    /// Ends the sessions without a render for `sessionIdleTimeout`: their
    /// contexts, and so their pages and renderers, are disposed. Called by
    /// the watchdog's tick.
    func dropIdleSessions(now: ContinuousClock.Instant) {
        let (ended, connection): ([KeptSession], CDPConnection?) = state.withLock { state in
            let idle = state.sessions.filter { $0.value.rendering == 0 && now - $0.value.lastRender >= launch.sessionIdleTimeout }
            for key in idle.keys { state.sessions.removeValue(forKey: key) }
            return (Array(idle.values), state.running?.connection)
        }
        guard let connection else { return }
        for session in ended {
            for page in session.idle { connection.unsubscribe(session: page.session) }
            connection.send("Target.disposeBrowserContext", ["browserContextId": .string(session.context)]) { _ in }
        }
    }

    /// The sessions this browser keeps, and their idle pages: what the tests look at.
    var keptSessions: [String: Int] {
        state.withLock { $0.sessions.mapValues(\.idle.count) }
    }
}
