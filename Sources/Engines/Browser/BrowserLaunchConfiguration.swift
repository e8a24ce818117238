#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How browsers are launched and watched on this machine. Not part of the
/// pool signature: every browser of one daemon shares these.
public struct BrowserLaunchConfiguration: Sendable, Hashable {
    /// The Chromium binary; nil searches Debian's `chromium-headless-shell` paths.
    public var executable: String?
    /// Where temporary profiles live, and where orphans of a dead crawld are looked for.
    public var profileRoot: String
    /// How often the watchdog pings each browser. Request deadlines do not
    /// wait for a beat; after a request passes its deadline the browser must
    /// answer a ping within one interval or be killed.
    public var heartbeatInterval: Duration
    /// Unanswered pings in a row after which the browser is killed as hung.
    public var maxMissedBeats: Int
    /// While a browser is in use it keeps one fresh context with its renderer
    /// started for the next render, so a pooled render skips the renderer's
    /// start-up; the spare costs one renderer's memory (about 50 MB PSS) and is
    /// dropped after this long without a render, so an idle browser holds
    /// none. Nil keeps no spare at all.
    public var spareIdleTimeout: Duration?
    /// A browser session (`RenderOptions.session`) ends this long after its
    /// last render: its context and kept pages are disposed.
    public var sessionIdleTimeout: Duration
    /// A session's kept page (a renderer) is closed this long after its last
    /// render; the session's context, and its cookies, stay.
    public var keptPageIdleTimeout: Duration
    /// How long a session's page has to freeze after a render before it is
    /// disposed instead of kept: a page still running a script does not answer.
    public var keptPageFreezeDeadline: Duration

    /// - Parameter executable: defaults to `CRAWLD_CHROMIUM` from the environment, if set.
    public init(
        executable: String? = nil,
        profileRoot: String? = nil,
        heartbeatInterval: Duration = .seconds(1),
        maxMissedBeats: Int = 5,
        spareIdleTimeout: Duration? = .seconds(15),
        sessionIdleTimeout: Duration = .seconds(30),
        keptPageIdleTimeout: Duration = .seconds(5),
        keptPageFreezeDeadline: Duration = .seconds(1)
    ) {
        self.executable = executable ?? getenv("CRAWLD_CHROMIUM").map { String(cString: $0) }
        self.profileRoot = profileRoot ?? ProfileDirectory.defaultRoot
        self.heartbeatInterval = heartbeatInterval
        self.maxMissedBeats = maxMissedBeats
        self.spareIdleTimeout = spareIdleTimeout
        self.sessionIdleTimeout = sessionIdleTimeout
        self.keptPageIdleTimeout = keptPageIdleTimeout
        self.keptPageFreezeDeadline = keptPageFreezeDeadline
    }
}
