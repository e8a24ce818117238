#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ChromiumProcess {
    /// Where Debian's `chromium-headless-shell` puts the real binary, then its
    /// `/usr/bin` wrapper (a shell script that runs the binary as a child,
    /// which is why the real binary comes first: the pid we hold is then the browser).
    static let candidates = [
        "/usr/lib/chromium/chromium-headless-shell",
        "/usr/bin/chromium-headless-shell",
    ]

    /// The install hint `engine_unavailable` answers carry.
    static let installHint = "install it with `apt-get install chromium-headless-shell`"

    /// Finds the Chromium binary.
    /// - Parameter override: an explicit path (configuration or `CRAWLD_CHROMIUM`); when
    ///   given, only that path is tried.
    /// - Returns: an executable path.
    /// - Throws: `BrowserError.unavailable` with the install hint when nothing executable is found.
    static func locate(override: String? = nil) throws -> String {
        let paths = override.map { [$0] } ?? candidates
        if let found = paths.first(where: { access($0, X_OK) == 0 }) { return found }
        throw BrowserError(.unavailable, "no Chromium at \(paths.joined(separator: " or ")); \(installHint)")
    }
}
