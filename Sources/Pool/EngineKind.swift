/// The kinds of engine a request, a job or policies.lua may name.
///
/// It lives in Pool, the one module below all who check a name (Scripting for
/// `engine_for` and `pool.retire`, Daemon for `crawl`, Jobs for `job.submit`,
/// Crawl for the selection), so that a new kind is added in one place. The
/// pool itself stays generic: it keys engines by signature and keeps the
/// kind as the string the wire shows.
public enum EngineKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case http
    case browser

    /// The kinds for an error message, quoted as the wire spells them: `"http" or "browser"`.
    public static let choices = allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")

    public var description: String { rawValue }
}
