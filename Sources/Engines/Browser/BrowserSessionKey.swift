/// A browser session's key: whose renders may share it, its name among
/// theirs, and whom the session counts against.
///
/// A session is only ever shared by renders that already share cookies, and
/// `owner` says whose they are: one client connection's, or one job's.
/// `client` is what the browser's per-client bound counts
/// (`BrowserEngine.maxSessionsPerClient`): a client address, since one
/// client may open many connections, or the job. So one client cannot take
/// every session a browser keeps and leave the others' renders without one.
public struct BrowserSessionKey: Hashable, Sendable {
    /// Whose cookies the session's renders share: `connection 7`, `job 3`.
    public let owner: String
    /// The session's name among the owner's: a client's name, a job's cookie jar.
    public let name: String
    /// Whom the session counts against: the owner's client address, or the job.
    public let client: String

    /// - Parameter client: whom the session counts against; the owner when nil.
    public init(owner: String, name: String, client: String? = nil) {
        self.owner = owner
        self.name = name
        self.client = client ?? owner
    }
}
