/// A browser session's key: whose renders may share it, and its name among theirs.
///
/// A session is only ever shared by renders that already share cookies, and
/// `owner` says whose they are: one client connection's, or one job's. The
/// owner is also what the browser's per-owner bound counts
/// (`BrowserEngine.maxSessionsPerOwner`), so one client cannot take every
/// session a browser keeps and leave the others' renders without one.
public struct BrowserSessionKey: Hashable, Sendable, CustomStringConvertible {
    /// Whose cookies the session's renders share: `connection 7`, `job 3`.
    public let owner: String
    /// The session's name among the owner's: a client's name, a job's cookie jar.
    public let name: String

    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    public var description: String { "\(owner): \(name)" }
}
