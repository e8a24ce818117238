import Logging
import NIOCore
import NIOPosix
import Pool
import Synchronization

/// A headless Chromium in the pool: one browser process per engine, a fresh
/// browser context per render, watched by a heartbeat.
///
/// Speed: a fresh context needs a new renderer process, whose start-up is
/// most of a render's time on a small page. So while the browser is in use
/// the engine keeps one spare context ready (see `prepareSpare()`): a pooled
/// render takes it and only navigates, and the next spare starts while it
/// does. An idle browser drops its spare (`dropIdleSpare(now:)`). Renders of
/// one client connection or job may share a session instead, whose pages
/// are kept between renders (see `BrowserEngine+Sessions`).
///
/// Lifecycle: `start()` spawns Chromium (see `ChromiumProcess`) and waits for
/// its first DevTools answer; `close()` kills its process group, reaps it and
/// removes its profile. Between the two, `render(url:options:)` may run
/// concurrently: each render has its own browser context, or its session's,
/// so cookies and storage never leak between requests of different clients.
///
/// Health: the watchdog (see `BrowserWatchdog`) runs on the connection's reader
/// thread. A browser that misses `maxMissedBeats` pings, or the probe that
/// follows a render passing its deadline, gets the process group killed;
/// renders in flight fail with `timeout` and the reason, and `isHealthy()`
/// turns false so the pool replaces the engine. A render past its deadline
/// alone only loses its own page (see `render(url:options:)`). A crash is
/// seen at once as EOF on the DevTools pipe.
public final class BrowserEngine: PooledEngine {
    public let kind = BrowserEngineConfiguration.kind
    public let configuration: BrowserEngineConfiguration
    public let launch: BrowserLaunchConfiguration
    /// The `--deny-private` rule's answers for this browser, shared by the
    /// request check and the proxy (see `PinnedHosts`); nil without the rule.
    let pins: PinnedHosts?
    /// Where the browser's proxy runs; the engine never shuts it down.
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    struct Running {
        let process: ChromiumProcess
        let connection: CDPConnection
    }

    struct State {
        var running: Running?
        /// With the rule, the browser's only way onto the network (see `BrowserProxy`).
        var proxy: BrowserProxy?
        var closed = false
        var watchdog: BrowserWatchdog
        var nextRequest = 0
        var trackers: [Int: PageTracker] = [:]
        /// The next render's page, ready or being prepared (see `prepareSpare()`).
        var spare: Task<PreparedPage, Error>?
        /// Renders in flight, and when the last one ended: when to drop the spare.
        var rendering = 0
        var lastRender = ContinuousClock.now
        /// The browser sessions, by `RenderOptions.session` (see `BrowserEngine+Sessions`).
        var sessions: [BrowserSessionKey: KeptSession] = [:]
    }

    let state: Mutex<State>

    /// - Parameters:
    ///   - configuration: the per-signature settings (viewport, user agent, ...).
    ///   - launch: the per-machine settings (binary, profiles, heartbeat).
    ///   - addressGuard: with `--deny-private`, the rule every connection a page
    ///     makes must pass (see `BrowserAddressGuard`); WebSockets are then refused.
    ///   - eventLoopGroup: where the proxy of a guarded browser runs (the daemon's loops).
    ///   - logger: where launches, kills, crashes and refused requests are logged (at `info`).
    public init(
        configuration: BrowserEngineConfiguration = BrowserEngineConfiguration(),
        launch: BrowserLaunchConfiguration = BrowserLaunchConfiguration(),
        addressGuard: BrowserAddressGuard? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.launch = launch
        self.pins = addressGuard.map { PinnedHosts(addressGuard: $0) }
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.state = Mutex(State(watchdog: BrowserWatchdog(interval: launch.heartbeatInterval, maxMissedBeats: launch.maxMissedBeats)))
    }

    deinit {
        let (running, proxy) = state.withLock { ($0.running, $0.proxy) }
        proxy?.close()
        running?.process.terminate()
    }

    // MARK: - PooledEngine

    /// Spawns Chromium and waits for its first DevTools answer. The first
    /// start for a profile root also kills browsers orphaned by a dead crawld.
    /// With an address guard, the browser's proxy listens before Chromium
    /// starts (see `BrowserProxy`) and request interception is on before the
    /// first page (see `startInterception(on:)`).
    /// - Throws: `BrowserError.unavailable` (no binary; the message has the
    ///   install hint), `.launchFailed`, or `.timeout` when the new browser
    ///   misses its heartbeats.
    public func start() async throws {
        let executable = try ChromiumProcess.locate(override: launch.executable)
        Self.cleanOrphansOnce(root: launch.profileRoot, logger: logger)
        let arguments = try await startProxy().map { try ChromiumProcess.isolationFlags(proxyPort: $0.port) } ?? []
        let process = try ChromiumProcess(executable: executable, profileRoot: launch.profileRoot, arguments: arguments)
        let connection = CDPConnection(
            socket: process.socket,
            tick: { [weak self] now in self?.watchdogTick(now) ?? .seconds(1) },
            onClose: { [weak self] in
                process.terminate()
                self?.browserGone()
            }
        )
        let admitted = state.withLock { state in
            guard !state.closed, state.running == nil else { return false }
            state.running = Running(process: process, connection: connection)
            return true
        }
        guard admitted else {
            process.terminate()
            throw BrowserError(.launchFailed, "engine already started or closed")
        }
        do {
            try connection.start()
            let version = try await connection.send("Browser.getVersion")
            if pins != nil { try await startInterception(on: connection) }
            logger.info(
                "browser started",
                metadata: ["crawld.browser.pid": "\(process.pid)", "crawld.browser.product": "\(version.objectValue?["product"]?.stringValue ?? "?")"]
            )
        } catch {
            let failure = BrowserError(.launchFailed, "browser did not answer: \(error)")
            kill(failure)
            throw failure
        }
    }

    public func close() async {
        let (running, proxy) = state.withLock { state in
            state.closed = true
            return (state.running, state.proxy)
        }
        proxy?.close()
        guard let running else { return }
        running.connection.fail(BrowserError(.crashed, "engine closed"))
        failTrackers(BrowserError(.crashed, "engine closed"))
        running.process.terminate()
    }

    public func isHealthy() async -> Bool {
        state.withLock { state in
            guard !state.closed, let running = state.running else { return false }
            return running.connection.failure == nil && !running.process.isTerminated
        }
    }

    /// PSS over the browser's process group: what the browser really holds.
    public func memoryBytes() async -> Int {
        guard let running = state.withLock({ $0.running }), !running.process.isTerminated else { return 0 }
        return running.process.memoryBytes()
    }

    /// The browser's pid, which is also its process group id; nil before `start()`.
    public var processID: Int32? { state.withLock { $0.running?.process.pid } }

    /// The guarded browser's proxy, kept in the state so that `close()` stops
    /// it even when the browser never started; nil without a guard.
    private func startProxy() async throws -> BrowserProxy? {
        guard let pins else { return nil }
        let proxy = try await BrowserProxy(pins: pins, group: eventLoopGroup, logger: logger)
        let admitted = state.withLock { state in
            guard !state.closed, state.proxy == nil else { return false }
            state.proxy = proxy
            return true
        }
        guard admitted else {
            proxy.close()
            throw BrowserError(.launchFailed, "engine already started or closed")
        }
        return proxy
    }

    // MARK: - Watchdog

    private func watchdogTick(_ now: ContinuousClock.Instant) -> Duration {
        let (action, next) = state.withLock { $0.watchdog.tick(now: now) }
        switch action {
        case .none:
            break
        case .ping:
            state.withLock { $0.running }?.connection.send("Browser.getVersion") { [weak self] reply in
                if case .success = reply { self?.state.withLock { $0.watchdog.pong() } }
            }
        case .kill(let reason):
            kill(reason)
        }
        dropIdleSpare(now: now)
        dropIdleSessions(now: now)
        return next
    }

    /// Kills the browser's process group; renders in flight fail with `reason`.
    func kill(_ reason: BrowserError) {
        guard let running = state.withLock({ $0.running }) else { return }
        logger.info("killing browser", metadata: ["crawld.browser.pid": "\(running.process.pid)", "crawld.browser.reason": "\(reason.message)"])
        running.connection.fail(reason)
        failTrackers(reason)
        running.process.terminate()
    }

    /// The DevTools pipe hit EOF: the browser is gone (crashed, or killed above).
    private func browserGone() {
        let failure = state.withLock { $0.running?.connection.failure } ?? BrowserError(.crashed, "browser exited")
        failTrackers(failure)
        logger.info("browser gone", metadata: ["crawld.browser.reason": "\(failure.message)"])
    }

    private func failTrackers(_ error: BrowserError) {
        for tracker in state.withLock({ Array($0.trackers.values) }) { tracker.fail(error) }
    }

    /// Stops every Chromium this process started that is still running,
    /// whichever engine owns it, and reaps it (see
    /// `ChromiumProcess.terminateAll(grace:)`): SIGTERM, up to `grace`, then SIGKILL.
    /// The daemon's last step, so that a supervisor never sees orphaned browsers.
    public static func stopAllBrowsers(grace: Duration = .seconds(1)) async {
        await ChromiumProcess.terminateAll(grace: grace)
    }

    /// Kills every Chromium this process started, without grace, from any
    /// thread (none of Swift's concurrency is needed): for a hard exit.
    public static func killAllBrowsers() {
        ChromiumProcess.killAll()
    }

    private static let cleanedRoots = Mutex<Set<String>>([])

    private static func cleanOrphansOnce(root: String, logger: Logger) {
        guard cleanedRoots.withLock({ $0.insert(root).inserted }) else { return }
        ProfileDirectory.killOrphans(root: root, logger: logger)
    }
}
