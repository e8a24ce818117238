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
    /// How often the watchdog pings each browser. It is also the precision of
    /// request deadlines: a request is killed at most one interval after its deadline.
    public var heartbeatInterval: Duration
    /// Unanswered pings in a row after which the browser is killed as hung.
    public var maxMissedBeats: Int

    /// - Parameter executable: defaults to `CRAWLD_CHROMIUM` from the environment, if set.
    public init(
        executable: String? = nil,
        profileRoot: String? = nil,
        heartbeatInterval: Duration = .seconds(1),
        maxMissedBeats: Int = 5
    ) {
        self.executable = executable ?? getenv("CRAWLD_CHROMIUM").map { String(cString: $0) }
        self.profileRoot = profileRoot ?? ProfileDirectory.defaultRoot
        self.heartbeatInterval = heartbeatInterval
        self.maxMissedBeats = maxMissedBeats
    }
}
