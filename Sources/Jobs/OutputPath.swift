import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Where a job may write: a path relative to `--output-dir`, and never outside it.
///
/// Refused, with `invalidOutput`: an absolute path, a `..` component, a NUL
/// byte, a parent directory that resolves (through symlinks) outside the
/// output directory, and a final component that is a symlink (the file is also
/// opened with `O_NOFOLLOW`, so a symlink planted after the check fails the open).
///
/// A path names its file by where it really is: `relative` and `absolute` are
/// the resolved ones (`./a.jsonl` and `a.jsonl` are one output), so two jobs
/// can be kept from writing one file however their clients spell it.
public struct OutputPath: Sendable, Equatable {
    /// The path relative to the real output directory, with symlinks and `.` resolved.
    public let relative: String
    /// The absolute path of the file, under the real path of the output directory.
    public let absolute: String

    /// Checks `relative` against `directory`; with `creating`, creates the
    /// directory and the path's missing parent directories, each only after its
    /// own parent is known to be inside the output directory, so a symlink can
    /// never make one appear elsewhere. Reading results passes `creating: false`.
    public init(_ relative: String, in directory: String, creating: Bool = true) throws(JobError) {
        let components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !relative.hasPrefix("/") else { throw Self.refused(relative, "absolute paths are refused") }
        guard !relative.contains("\0"), let name = components.last, name != "." else {
            throw Self.refused(relative, "not a file name")
        }
        guard !components.contains("..") else { throw Self.refused(relative, "'..' is refused") }
        if creating {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw JobError(.invalidOutput, "cannot create output directory '\(directory)': \(error)", field: "output")
            }
        }
        guard let base = Self.realPath(directory) else {
            throw JobError(.invalidOutput, "cannot resolve output directory '\(directory)': \(Self.reason())", field: "output")
        }
        var parent = base
        for component in components.dropLast() where component != "." {
            parent = try Self.enter(component, of: parent, base: base, creating: creating, path: relative)
        }
        let absolute = parent + "/" + name
        var info = stat()
        if lstat(absolute, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            throw Self.refused(relative, "the file is a symlink")
        }
        self.relative = String(absolute.dropFirst(base.count + 1))
        self.absolute = absolute
    }

    /// The real path of `parent/component`, made if missing and `creating`.
    /// `parent` is a real path inside `base`, so `mkdir` under it lands inside.
    private static func enter(_ component: String, of parent: String, base: String, creating: Bool, path: String) throws(JobError) -> String {
        let next = parent + "/" + component
        var info = stat()
        if lstat(next, &info) != 0 {
            guard errno == ENOENT else { throw refused(path, "cannot reach '\(component)': \(reason())") }
            guard creating else { throw refused(path, "'\(component)' does not exist") }
            guard mkdir(next, 0o755) == 0 || errno == EEXIST else {
                throw refused(path, "cannot create its directory '\(component)': \(reason())")
            }
        }
        guard let real = realPath(next), real == base || real.hasPrefix(base + "/") else {
            throw refused(path, "it leads out of the output directory through a symlink")
        }
        return real
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    private static func refused(_ path: String, _ why: String) -> JobError {
        JobError(.invalidOutput, "'\(path)': \(why)", field: "output")
    }
}
